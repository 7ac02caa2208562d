package org.coopwatch.analysis;

import static org.coopwatch.analysis.TestSupport.settings;
import static org.coopwatch.analysis.TestSupport.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.util.ElisionFilter;
import org.junit.jupiter.api.Test;

class ElisionTokenFilterFactoryTest {

    private static final List<String> FRENCH = List.of("l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu");

    private static ElisionTokenFilterFactory factory(Map<String, ?> values) {
        return new ElisionTokenFilterFactory(settings(ElisionSettings.class, values));
    }

    @Test
    void buildsLuceneElisionFilter() {
        ElisionTokenFilterFactory f = factory(Map.of("articles", FRENCH));
        assertTrue(f.create(new org.apache.lucene.analysis.miscellaneous.EmptyTokenStream()) instanceof ElisionFilter);
    }

    @Test
    void stripsArticlesWithTypographicAndAsciiApostrophes() {
        ElisionTokenFilterFactory f = factory(Map.of("articles", FRENCH, "articles_case", true));
        assertEquals(List.of("immigration"), tokens("l’immigration", f::create));
        assertEquals(List.of("immigration"), tokens("l'immigration", f::create));
        assertEquals(List.of("Europe", "intérieur"), tokens("L’Europe qu'intérieur", f::create));
        assertEquals(List.of("aujourd'hui"), tokens("aujourd'hui", f::create), "aujourd is not an article");
    }

    @Test
    void articlesCaseDefaultsToCaseSensitiveLikeTheBuiltIn() {
        ElisionTokenFilterFactory f = factory(Map.of("articles", FRENCH));
        assertEquals(List.of("L’Europe", "immigration"), tokens("L’Europe l’immigration", f::create));
    }

    @Test
    void normalizeElidesToo() {
        ElisionTokenFilterFactory f = factory(Map.of("articles", FRENCH));
        assertEquals(List.of("immigration"), tokens("l’immigration", f::normalize));
    }

    @Test
    void requiresArticlesWhenUsed() {
        // constructible without settings (Elasticsearch does that on index creation) ...
        ElisionTokenFilterFactory f = factory(Map.of());
        // ... but unusable, with the built-in's message
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokens("l'immigration", f::create));
        assertEquals("elision filter requires [articles] or [articles_path] setting", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tokens("l'immigration", f::normalize));
    }

    @Test
    void rejectsArticlesPathClearly() {
        IllegalArgumentException e = assertThrows(
            IllegalArgumentException.class,
            () -> factory(Map.of("articles_path", "analysis/articles.txt"))
        );
        assertTrue(e.getMessage().contains("[articles_path] is not supported"), e.getMessage());
    }
}

package org.coopwatch.analysis;

import static org.coopwatch.analysis.TestSupport.settings;
import static org.coopwatch.analysis.TestSupport.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.EmptyTokenStream;
import org.junit.jupiter.api.Test;

class AsciiFoldingTokenFilterFactoryTest {

    private static AsciiFoldingTokenFilterFactory factory(Map<String, ?> values) {
        return new AsciiFoldingTokenFilterFactory(settings(AsciiFoldingSettings.class, values));
    }

    @Test
    void buildsLuceneAsciiFoldingFilter() {
        assertTrue(factory(Map.of()).create(new EmptyTokenStream()) instanceof ASCIIFoldingFilter);
    }

    @Test
    void foldsAccents() {
        AsciiFoldingTokenFilterFactory f = factory(Map.of());
        assertEquals(List.of("Securite", "interieure", "coeur"), tokens("Sécurité intérieure cœur", f::create));
        // with the server's pre-configured lowercase filter before it, as in our templates
        assertEquals(List.of("securite"), tokens("Sécurité", LowerCaseFilter::new, f::create));
    }

    @Test
    void preserveOriginalEmitsBothLikeTheBuiltIn() {
        AsciiFoldingTokenFilterFactory f = factory(Map.of("preserve_original", true));
        assertEquals(List.of("securite", "sécurité"), tokens("sécurité", f::create));
    }

    @Test
    void normalizeNeverPreservesTheOriginal() {
        AsciiFoldingTokenFilterFactory f = factory(Map.of("preserve_original", true));
        assertEquals(List.of("securite"), tokens("sécurité", f::normalize));
    }
}

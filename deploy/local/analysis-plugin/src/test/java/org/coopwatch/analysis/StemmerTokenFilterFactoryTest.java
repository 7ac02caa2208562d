package org.coopwatch.analysis;

import static org.coopwatch.analysis.TestSupport.settings;
import static org.coopwatch.analysis.TestSupport.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.EmptyTokenStream;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StemmerTokenFilterFactoryTest {

    private static StemmerTokenFilterFactory factory(Map<String, ?> values) {
        return new StemmerTokenFilterFactory(settings(StemmerSettings.class, values));
    }

    private static TokenStream built(String language) {
        return factory(Map.of("language", language)).create(new EmptyTokenStream());
    }

    /** The same Lucene classes as analysis-common's StemmerTokenFilterFactory. */
    @ParameterizedTest
    @CsvSource({
        "light_french, org.apache.lucene.analysis.fr.FrenchLightStemFilter",
        "lightFrench, org.apache.lucene.analysis.fr.FrenchLightStemFilter",
        "french, org.apache.lucene.analysis.snowball.SnowballFilter",
        "minimal_french, org.apache.lucene.analysis.fr.FrenchMinimalStemFilter",
        "english, org.apache.lucene.analysis.en.PorterStemFilter",
        "porter, org.apache.lucene.analysis.en.PorterStemFilter",
        "porter2, org.apache.lucene.analysis.snowball.SnowballFilter",
        "light_english, org.apache.lucene.analysis.en.KStemFilter",
        "kstem, org.apache.lucene.analysis.en.KStemFilter",
        "minimal_english, org.apache.lucene.analysis.en.EnglishMinimalStemFilter",
        "possessive_english, org.apache.lucene.analysis.en.EnglishPossessiveFilter",
        "spanish, org.apache.lucene.analysis.snowball.SnowballFilter",
        "light_spanish, org.apache.lucene.analysis.es.SpanishLightStemFilter",
        "spanish_plural, org.apache.lucene.analysis.es.SpanishPluralStemFilter",
        "light_german, org.apache.lucene.analysis.de.GermanLightStemFilter",
        "light_nynorsk, org.apache.lucene.analysis.no.NorwegianLightStemFilter",
        "LIGHT_FRENCH, org.apache.lucene.analysis.fr.FrenchLightStemFilter",
    })
    void mapsLanguageToTheBuiltInsLuceneClass(String language, String luceneClass) {
        assertEquals(luceneClass, built(language).getClass().getName());
    }

    @Test
    void everyKnownLanguageBuilds() {
        for (String language : StemmerTokenFilterFactory.languages()) {
            assertTrue(built(language) instanceof TokenStream, language);
        }
        assertTrue(StemmerTokenFilterFactory.languages().size() >= 50, "built-in table has ~60 names");
    }

    @Test
    void languageFallsBackToNameThenPorter() {
        assertInstanceOf(FrenchLightStemFilter.class, factory(Map.of("name", "light_french")).create(new EmptyTokenStream()));
        assertInstanceOf(KStemFilter.class, factory(Map.of("language", "light_english", "name", "light_french")).create(new EmptyTokenStream()));
        StemmerTokenFilterFactory porter = factory(Map.of());
        assertEquals("porter", porter.language());
        assertInstanceOf(PorterStemFilter.class, porter.create(new EmptyTokenStream()));
    }

    @Test
    void unknownSnowballNamesFallBackToTheSnowballClassLikeTheBuiltIn() {
        assertInstanceOf(SnowballFilter.class, built("tamil"));
    }

    @Test
    void lightFrenchConflatesPluralAndSingular() {
        StemmerTokenFilterFactory f = factory(Map.of("language", "light_french"));
        List<String> plural = tokens("coopérations", f::create);
        assertEquals(plural, tokens("coopération", f::create));
        // as in the coopwatch_french analyzer: lowercase, asciifolding, then the stemmer
        List<String> folded = tokens("Coopérations", LowerCaseFilter::new, ASCIIFoldingFilter::new, f::create);
        assertEquals(folded, tokens("coopération", LowerCaseFilter::new, ASCIIFoldingFilter::new, f::create));
        // FrenchLightStemmer drops -ation and collapses the double o, as the built-in does
        assertEquals(List.of("cop"), folded);
    }

    @Test
    void englishConflatesPluralAndSingular() {
        StemmerTokenFilterFactory f = factory(Map.of("language", "english"));
        assertEquals(tokens("cooperations", f::create), tokens("cooperation", f::create));
        assertEquals(List.of("cooper"), tokens("cooperation", f::create), "Porter stems like the built-in english stemmer");
        assertNotEquals(tokens("security", f::create), tokens("cooperation", f::create));
    }

    @Test
    void minimalEnglishAndLightSpanish() {
        assertEquals(List.of("agency"), tokens("agencies", factory(Map.of("language", "minimal_english"))::create));
        assertInstanceOf(EnglishMinimalStemFilter.class, built("minimalEnglish"));
        assertInstanceOf(SpanishLightStemFilter.class, built("lightSpanish"));
        StemmerTokenFilterFactory es = factory(Map.of("language", "light_spanish"));
        assertEquals(tokens("cooperaciones", es::create), tokens("cooperación", LowerCaseFilter::new, es::create));
    }

    @Test
    void unknownLanguageFailsClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> factory(Map.of("language", "klingon")));
        assertTrue(e.getMessage().startsWith("Unknown stemmer language [klingon] for the [stemmer] token filter"), e.getMessage());
        assertTrue(e.getMessage().contains("light_french"), "lists the known languages: " + e.getMessage());
    }

    @Test
    void languagesRemovedFromLuceneFailClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> factory(Map.of("language", "lovins")));
        assertTrue(e.getMessage().contains("removed in Lucene 10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> factory(Map.of("language", "dutch_kp")));
    }
}

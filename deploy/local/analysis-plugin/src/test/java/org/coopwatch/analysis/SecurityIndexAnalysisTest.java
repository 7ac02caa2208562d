package org.coopwatch.analysis;

import static org.coopwatch.analysis.TestSupport.settings;
import static org.coopwatch.analysis.TestSupport.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.junit.jupiter.api.Test;

/**
 * {@code pattern_capture}, {@code unique} and {@code uax_url_email}: what Elasticsearch's own
 * {@code .security-7} index needs (its {@code email} analyzer) before API keys can be created.
 */
class SecurityIndexAnalysisTest {

    /** The email analyzer's filter, as Elasticsearch's security index defines it. */
    private static final List<String> EMAIL_PATTERNS = List.of("([^@]+)", "(\\p{L}+)", "(\\d+)", "@(.+)");

    private static List<String> run(Tokenizer tokenizer, String text, List<java.util.function.UnaryOperator<TokenStream>> filters) {
        tokenizer.setReader(new StringReader(text));
        TokenStream stream = tokenizer;
        for (var f : filters) {
            stream = f.apply(stream);
        }
        List<String> out = new ArrayList<>();
        try (TokenStream ts = stream) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Tokenizer uaxUrlEmail(Map<String, ?> values) {
        return new UaxUrlEmailTokenizerFactory(settings(UaxUrlEmailSettings.class, values)).create();
    }

    @Test
    void uaxUrlEmailKeepsAddressesAndUrlsWhole() {
        assertEquals(
            List.of("Write", "to", "jane.doe@example.org", "or", "see", "https://example.org/a?b=c"),
            run(uaxUrlEmail(Map.of()), "Write to jane.doe@example.org or see https://example.org/a?b=c", List.of())
        );
    }

    @Test
    void uaxUrlEmailSplitsAtMaxTokenLength() {
        assertEquals(List.of("abcd", "ef"), run(uaxUrlEmail(Map.of("max_token_length", 4)), "abcdef", List.of()));
        assertThrows(IllegalArgumentException.class, () -> uaxUrlEmail(Map.of("max_token_length", 0)));
    }

    @Test
    void patternCaptureEmitsEveryGroupAndTheOriginal() {
        var f = new PatternCaptureTokenFilterFactory(settings(PatternCaptureSettings.class, Map.of("patterns", EMAIL_PATTERNS)));
        List<String> out = run(uaxUrlEmail(Map.of()), "john.smith42@example.org", List.of(f::create));
        assertTrue(out.contains("john.smith42@example.org"), out.toString());
        assertTrue(out.containsAll(List.of("john.smith42", "john", "smith", "42", "example.org")), out.toString());
    }

    @Test
    void patternCaptureCanDropTheOriginal() {
        var f = new PatternCaptureTokenFilterFactory(
            settings(PatternCaptureSettings.class, Map.of("patterns", List.of("(\\d+)"), "preserve_original", false))
        );
        assertEquals(List.of("2024", "7"), tokens("2024 année7", f::create));
    }

    @Test
    void patternCaptureRequiresPatternsWhenUsedAndRefusesBadOnes() {
        var empty = new PatternCaptureTokenFilterFactory(settings(PatternCaptureSettings.class, Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokens("x", empty::create));
        assertEquals(PatternCaptureTokenFilterFactory.MISSING_PATTERNS, e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> new PatternCaptureTokenFilterFactory(settings(PatternCaptureSettings.class, Map.of("patterns", List.of("(unclosed")))));
        assertTrue(e.getMessage().contains("invalid pattern [(unclosed]"), e.getMessage());
    }

    @Test
    void uniqueDropsLaterDuplicatesAnywhereByDefault() {
        var f = new UniqueTokenFilterFactory(settings(UniqueSettings.class, Map.of()));
        assertEquals(List.of("police", "de", "la", "france"), tokens("police de la police de France", LowerCaseFilter::new, f::create));
    }

    @Test
    void uniqueOnSamePositionKeepsRepeatsAtLaterPositions() {
        var capture = new PatternCaptureTokenFilterFactory(settings(PatternCaptureSettings.class, Map.of("patterns", List.of("(a)"))));
        var f = new UniqueTokenFilterFactory(settings(UniqueSettings.class, Map.of("only_on_same_position", true)));
        // "a" and its capture "a" share a position: one is dropped; the second "a" is at a new position and stays.
        assertEquals(List.of("a", "a"), tokens("a a", capture::create, f::create));
    }

    @Test
    void uniqueForgetsBetweenDocuments() {
        var f = new UniqueTokenFilterFactory(settings(UniqueSettings.class, Map.of()));
        assertEquals(List.of("dgsi"), tokens("dgsi dgsi", f::create));
        assertEquals(List.of("dgsi"), tokens("dgsi", f::create));
    }

    @Test
    void securityIndexEmailAnalyzerChain() {
        var email = new PatternCaptureTokenFilterFactory(settings(PatternCaptureSettings.class, Map.of("patterns", EMAIL_PATTERNS)));
        var unique = new UniqueTokenFilterFactory(settings(UniqueSettings.class, Map.of()));
        List<String> out = run(uaxUrlEmail(Map.of()), "Ops.Team@Example.org", List.of(email::create, LowerCaseFilter::new, unique::create));
        assertEquals(out.size(), new java.util.HashSet<>(out).size(), "unique leaves no duplicate: " + out);
        assertTrue(out.containsAll(List.of("ops.team@example.org", "ops.team", "ops", "team", "example.org")), out.toString());
    }

    @Test
    void positionsOfCapturesStayOnTheOriginal() {
        var f = new PatternCaptureTokenFilterFactory(settings(PatternCaptureSettings.class, Map.of("patterns", List.of("(\\d+)"))));
        Tokenizer t = uaxUrlEmail(Map.of());
        t.setReader(new StringReader("x1"));
        try (TokenStream ts = f.create(t)) {
            PositionIncrementAttribute pos = ts.addAttribute(PositionIncrementAttribute.class);
            ts.reset();
            List<Integer> increments = new ArrayList<>();
            while (ts.incrementToken()) {
                increments.add(pos.getPositionIncrement());
            }
            ts.end();
            assertEquals(List.of(1, 0), increments);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

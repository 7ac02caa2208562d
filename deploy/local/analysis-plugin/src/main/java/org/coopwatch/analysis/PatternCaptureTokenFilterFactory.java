package org.coopwatch.analysis;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code pattern_capture}: emits every capture group of the given patterns as a token, with
 * Lucene's {@link PatternCaptureGroupTokenFilter}. Same parameters as the analysis-common
 * built-in: {@code patterns} (required when used) and {@code preserve_original} (default true).
 *
 * <p>Elasticsearch's own {@code .security-7} index defines an {@code email} analyzer with this
 * filter: without it, API keys and native users cannot be created on this distribution.
 */
@NamedComponent("pattern_capture")
public class PatternCaptureTokenFilterFactory implements TokenFilterFactory {

    static final String MISSING_PATTERNS = "required setting 'patterns' is missing for token filter [pattern_capture]";

    private final Pattern[] patterns;
    private final boolean preserveOriginal;

    /**
     * Invalid patterns are refused when the index is created; missing ones when the filter is
     * used, because Elasticsearch also builds every stable-plugin filter once with empty settings.
     */
    @Inject
    public PatternCaptureTokenFilterFactory(PatternCaptureSettings settings) {
        List<String> sources = settings.patterns();
        this.patterns = new Pattern[sources.size()];
        for (int i = 0; i < patterns.length; i++) {
            try {
                patterns[i] = Pattern.compile(sources.get(i));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("pattern_capture: invalid pattern [" + sources.get(i) + "]: " + e.getDescription(), e);
            }
        }
        this.preserveOriginal = settings.preserveOriginal();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        if (patterns.length == 0) {
            throw new IllegalArgumentException(MISSING_PATTERNS);
        }
        return new PatternCaptureGroupTokenFilter(tokenStream, preserveOriginal, patterns);
    }
}

package org.coopwatch.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code asciifolding}: folds letters to their ASCII equivalent ({@code é} to {@code e},
 * {@code œ} to {@code oe} ...) with Lucene's {@link ASCIIFoldingFilter}. Same parameter as the
 * built-in: {@code preserve_original} (default false).
 */
@NamedComponent("asciifolding")
public class AsciiFoldingTokenFilterFactory implements TokenFilterFactory {

    private final boolean preserveOriginal;

    /** The only public constructor (Elasticsearch requires exactly one). */
    @Inject
    public AsciiFoldingTokenFilterFactory(AsciiFoldingSettings settings) {
        this.preserveOriginal = settings.preserveOriginal();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new ASCIIFoldingFilter(tokenStream, preserveOriginal);
    }

    /** As the built-in: a normalizer must emit a single token, so never preserve the original. */
    @Override
    public TokenStream normalize(TokenStream tokenStream) {
        return new ASCIIFoldingFilter(tokenStream, false);
    }
}

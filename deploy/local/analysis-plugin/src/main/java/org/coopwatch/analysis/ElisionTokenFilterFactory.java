package org.coopwatch.analysis;

import java.util.List;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code elision}: strips elided articles ({@code l'}, {@code d’}, {@code qu'} ...) from the
 * start of tokens with Lucene's {@link ElisionFilter}, which accepts both the ASCII apostrophe
 * and the typographic one (U+2019). Same parameters as the analysis-common built-in:
 * {@code articles} (required) and {@code articles_case} (default false).
 */
@NamedComponent("elision")
public class ElisionTokenFilterFactory implements TokenFilterFactory {

    static final String MISSING_ARTICLES = "elision filter requires [articles] or [articles_path] setting";

    /** null when no articles are configured */
    private final CharArraySet articles;

    /**
     * The only public constructor (Elasticsearch requires exactly one).
     *
     * <p>It must accept empty settings: on index creation Elasticsearch also instantiates every
     * stable-plugin filter under its bare name with no settings (the stable API has no
     * "requires settings" flag like the built-in elision's), so a missing {@code articles} is
     * reported when the filter is used, not here.
     */
    @Inject
    public ElisionTokenFilterFactory(ElisionSettings settings) {
        if (settings.articlesPath().isEmpty() == false) {
            throw new IllegalArgumentException(
                "elision filter: [articles_path] is not supported by the coopwatch-analysis plugin "
                    + "(a stable plugin cannot read the node's config directory); list the words in [articles]"
            );
        }
        List<String> words = settings.articles();
        this.articles = words == null || words.isEmpty()
            ? null
            : CharArraySet.unmodifiableSet(new CharArraySet(words, settings.articlesCase()));
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        if (articles == null) {
            throw new IllegalArgumentException(MISSING_ARTICLES);
        }
        return new ElisionFilter(tokenStream, articles);
    }

    /** Like the built-in (a normalizing filter): usable in normalizers, one token in, one out. */
    @Override
    public TokenStream normalize(TokenStream tokenStream) {
        return create(tokenStream);
    }
}

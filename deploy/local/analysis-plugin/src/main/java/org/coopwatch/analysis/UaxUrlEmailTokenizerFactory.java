package org.coopwatch.analysis;

import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenizerFactory;

/**
 * {@code uax_url_email}: the standard tokenizer that keeps URLs and e-mail addresses whole, with
 * Lucene's {@link UAX29URLEmailTokenizer}. Same parameter as the built-in: {@code max_token_length}.
 * Used by the {@code email} analyzer of Elasticsearch's {@code .security-7} index.
 */
@NamedComponent("uax_url_email")
public class UaxUrlEmailTokenizerFactory implements TokenizerFactory {

    private final int maxTokenLength;

    @Inject
    public UaxUrlEmailTokenizerFactory(UaxUrlEmailSettings settings) {
        if (settings.maxTokenLength() <= 0) {
            throw new IllegalArgumentException("uax_url_email: [max_token_length] must be positive, got " + settings.maxTokenLength());
        }
        this.maxTokenLength = settings.maxTokenLength();
    }

    @Override
    public Tokenizer create() {
        UAX29URLEmailTokenizer tokenizer = new UAX29URLEmailTokenizer();
        tokenizer.setMaxTokenLength(maxTokenLength);
        return tokenizer;
    }
}

package org.coopwatch.analysis;

import java.io.IOException;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code unique}: keeps the first occurrence of each term and drops the later ones, in the
 * whole stream or (with {@code only_on_same_position}) among tokens at one position. Lucene has
 * no filter for the whole-stream case (the built-in is Elasticsearch's own), hence the small
 * filter below. Used by the {@code email} analyzer of Elasticsearch's {@code .security-7} index.
 */
@NamedComponent("unique")
public class UniqueTokenFilterFactory implements TokenFilterFactory {

    private final boolean onlyOnSamePosition;

    @Inject
    public UniqueTokenFilterFactory(UniqueSettings settings) {
        this.onlyOnSamePosition = settings.onlyOnSamePosition();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new UniqueTokenFilter(tokenStream, onlyOnSamePosition);
    }

    static final class UniqueTokenFilter extends TokenFilter {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final PositionIncrementAttribute position = addAttribute(PositionIncrementAttribute.class);
        private final CharArraySet seen = new CharArraySet(8, false);
        private final boolean onlyOnSamePosition;

        UniqueTokenFilter(TokenStream input, boolean onlyOnSamePosition) {
            super(input);
            this.onlyOnSamePosition = onlyOnSamePosition;
        }

        @Override
        public boolean incrementToken() throws IOException {
            while (input.incrementToken()) {
                if (onlyOnSamePosition && position.getPositionIncrement() > 0) {
                    seen.clear();
                }
                char[] buffer = term.buffer();
                int length = term.length();
                if (seen.contains(buffer, 0, length) == false) {
                    char[] copy = new char[length];
                    System.arraycopy(buffer, 0, copy, 0, length);
                    seen.add(copy);
                    return true;
                }
            }
            return false;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            seen.clear();
        }
    }
}

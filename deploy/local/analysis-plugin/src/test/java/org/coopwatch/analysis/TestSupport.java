package org.coopwatch.analysis;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.IntSetting;
import org.elasticsearch.plugin.settings.ListSetting;
import org.elasticsearch.plugin.settings.LongSetting;
import org.elasticsearch.plugin.settings.StringSetting;

/** Helpers shared by the tests. */
final class TestSupport {

    private TestSupport() {}

    /**
     * A settings proxy built the way Elasticsearch builds one for a stable plugin: each method's
     * single annotation gives the setting's path and default; values come from {@code values}
     * (strings, booleans or lists, as in an index's analysis settings).
     */
    static <T> T settings(Class<T> type, Map<String, ?> values) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (self, method, args) -> {
            Annotation[] annotations = method.getAnnotations();
            if (annotations.length != 1) {
                throw new AssertionError(method + " must have exactly one setting annotation, has " + annotations.length);
            }
            return value(annotations[0], values);
        });
        return type.cast(proxy);
    }

    private static Object value(Annotation annotation, Map<String, ?> values) {
        if (annotation instanceof StringSetting s) {
            Object v = values.get(s.path());
            return v == null ? s.defaultValue() : String.valueOf(v);
        } else if (annotation instanceof BooleanSetting s) {
            Object v = values.get(s.path());
            return v == null ? s.defaultValue() : Boolean.parseBoolean(String.valueOf(v));
        } else if (annotation instanceof IntSetting s) {
            Object v = values.get(s.path());
            return v == null ? s.defaultValue() : Integer.parseInt(String.valueOf(v));
        } else if (annotation instanceof LongSetting s) {
            Object v = values.get(s.path());
            return v == null ? s.defaultValue() : Long.parseLong(String.valueOf(v));
        } else if (annotation instanceof ListSetting s) {
            Object v = values.get(s.path());
            if (v == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (Object o : (List<?>) v) {
                out.add(String.valueOf(o));
            }
            return out;
        }
        throw new AssertionError("unknown setting annotation " + annotation);
    }

    /** Runs {@code text} through the standard tokenizer and then {@code filters}, in order. */
    @SafeVarargs
    static List<String> tokens(String text, UnaryOperator<TokenStream>... filters) {
        return tokens(text, List.of(filters));
    }

    static List<String> tokens(String text, List<UnaryOperator<TokenStream>> filters) {
        Tokenizer tokenizer = new StandardTokenizer();
        tokenizer.setReader(new StringReader(text));
        TokenStream stream = tokenizer;
        for (UnaryOperator<TokenStream> f : filters) {
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
}

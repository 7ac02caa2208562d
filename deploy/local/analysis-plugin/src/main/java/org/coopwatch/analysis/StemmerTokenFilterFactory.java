package org.coopwatch.analysis;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ar.ArabicStemFilter;
import org.apache.lucene.analysis.bg.BulgarianStemFilter;
import org.apache.lucene.analysis.bn.BengaliStemFilter;
import org.apache.lucene.analysis.br.BrazilianStemFilter;
import org.apache.lucene.analysis.ckb.SoraniStemFilter;
import org.apache.lucene.analysis.cz.CzechStemFilter;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanMinimalStemFilter;
import org.apache.lucene.analysis.el.GreekStemFilter;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.es.SpanishPluralStemFilter;
import org.apache.lucene.analysis.fa.PersianStemFilter;
import org.apache.lucene.analysis.fi.FinnishLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.gl.GalicianMinimalStemFilter;
import org.apache.lucene.analysis.gl.GalicianStemFilter;
import org.apache.lucene.analysis.hi.HindiStemFilter;
import org.apache.lucene.analysis.hu.HungarianLightStemFilter;
import org.apache.lucene.analysis.id.IndonesianStemFilter;
import org.apache.lucene.analysis.it.ItalianLightStemFilter;
import org.apache.lucene.analysis.lv.LatvianStemFilter;
import org.apache.lucene.analysis.miscellaneous.EmptyTokenStream;
import org.apache.lucene.analysis.no.NorwegianLightStemFilter;
import org.apache.lucene.analysis.no.NorwegianLightStemFilterFactory;
import org.apache.lucene.analysis.no.NorwegianMinimalStemFilter;
import org.apache.lucene.analysis.no.NorwegianMinimalStemFilterFactory;
import org.apache.lucene.analysis.pt.PortugueseLightStemFilter;
import org.apache.lucene.analysis.pt.PortugueseMinimalStemFilter;
import org.apache.lucene.analysis.pt.PortugueseStemFilter;
import org.apache.lucene.analysis.ru.RussianLightStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.sv.SwedishLightStemFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.tartarus.snowball.SnowballStemmer;
import org.tartarus.snowball.ext.ArmenianStemmer;
import org.tartarus.snowball.ext.BasqueStemmer;
import org.tartarus.snowball.ext.CatalanStemmer;
import org.tartarus.snowball.ext.DanishStemmer;
import org.tartarus.snowball.ext.DutchStemmer;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.EstonianStemmer;
import org.tartarus.snowball.ext.FinnishStemmer;
import org.tartarus.snowball.ext.FrenchStemmer;
import org.tartarus.snowball.ext.GermanStemmer;
import org.tartarus.snowball.ext.HungarianStemmer;
import org.tartarus.snowball.ext.IrishStemmer;
import org.tartarus.snowball.ext.ItalianStemmer;
import org.tartarus.snowball.ext.LithuanianStemmer;
import org.tartarus.snowball.ext.NorwegianStemmer;
import org.tartarus.snowball.ext.PortugueseStemmer;
import org.tartarus.snowball.ext.RomanianStemmer;
import org.tartarus.snowball.ext.RussianStemmer;
import org.tartarus.snowball.ext.SerbianStemmer;
import org.tartarus.snowball.ext.SpanishStemmer;
import org.tartarus.snowball.ext.SwedishStemmer;
import org.tartarus.snowball.ext.TurkishStemmer;

/**
 * {@code stemmer}: the analysis-common built-in's language table, mapped to the same Lucene
 * filters (e.g. {@code light_french} to {@link FrenchLightStemFilter}, {@code french} to the
 * Snowball French stemmer, {@code english} and {@code porter} to {@link PorterStemFilter},
 * {@code light_english} to {@link KStemFilter}, {@code minimal_english} to
 * {@link EnglishMinimalStemFilter}, {@code spanish} to Snowball Spanish, {@code light_spanish}
 * to {@link SpanishLightStemFilter}).
 *
 * <p>As in the built-in: the language comes from {@code language}, else {@code name}, else
 * {@code porter}; names match case-insensitively (with the camelCase aliases); a name not in
 * the table is tried as a Lucene Snowball stemmer class ({@code tamil} to {@code TamilStemmer});
 * and it is checked when the filter is created, so an index with a bad language is refused.
 */
@NamedComponent("stemmer")
public class StemmerTokenFilterFactory implements TokenFilterFactory {

    /** lower-cased language name or alias -> filter builder */
    private static final Map<String, UnaryOperator<TokenStream>> LANGUAGES = new HashMap<>();
    /** the built-in's names that Lucene 10 no longer implements, with the reason */
    private static final Map<String, String> REMOVED = new LinkedHashMap<>();
    /** canonical names (no camelCase aliases), for error messages */
    private static final Set<String> CANONICAL = new TreeSet<>();

    static {
        add(ArabicStemFilter::new, "arabic");
        snowball(ArmenianStemmer::new, "armenian");
        snowball(BasqueStemmer::new, "basque");
        add(BengaliStemFilter::new, "bengali");
        add(BrazilianStemFilter::new, "brazilian");
        add(BulgarianStemFilter::new, "bulgarian");
        snowball(CatalanStemmer::new, "catalan");
        add(CzechStemFilter::new, "czech");
        snowball(DanishStemmer::new, "danish");
        snowball(DutchStemmer::new, "dutch");
        removed("the Kraaij-Pohlmann stemmer was removed in Lucene 10", "dutch_kp", "dutchKp", "kp");

        add(PorterStemFilter::new, "english");
        add(KStemFilter::new, "light_english", "lightEnglish", "kstem");
        removed("the Lovins stemmer was removed in Lucene 10", "lovins");
        add(PorterStemFilter::new, "porter");
        snowball(EnglishStemmer::new, "porter2");
        add(EnglishMinimalStemFilter::new, "minimal_english", "minimalEnglish");
        add(EnglishPossessiveFilter::new, "possessive_english", "possessiveEnglish");

        snowball(EstonianStemmer::new, "estonian");
        snowball(FinnishStemmer::new, "finnish");
        add(FinnishLightStemFilter::new, "light_finnish", "lightFinnish", "light_finish", "lightFinish");

        snowball(FrenchStemmer::new, "french");
        add(FrenchLightStemFilter::new, "light_french", "lightFrench");
        add(FrenchMinimalStemFilter::new, "minimal_french", "minimalFrench");

        add(GalicianStemFilter::new, "galician");
        add(GalicianMinimalStemFilter::new, "minimal_galician");

        // german2 is deprecated in the built-in and folded into german
        snowball(GermanStemmer::new, "german", "german2");
        add(GermanLightStemFilter::new, "light_german", "lightGerman");
        add(GermanMinimalStemFilter::new, "minimal_german", "minimalGerman");

        add(GreekStemFilter::new, "greek");
        add(HindiStemFilter::new, "hindi");
        snowball(HungarianStemmer::new, "hungarian");
        add(HungarianLightStemFilter::new, "light_hungarian", "lightHungarian");
        add(IndonesianStemFilter::new, "indonesian");
        snowball(IrishStemmer::new, "irish");
        snowball(ItalianStemmer::new, "italian");
        add(ItalianLightStemFilter::new, "light_italian", "lightItalian");
        add(LatvianStemFilter::new, "latvian");
        snowball(LithuanianStemmer::new, "lithuanian");

        snowball(NorwegianStemmer::new, "norwegian");
        add(NorwegianLightStemFilter::new, "light_norwegian", "lightNorwegian");
        add(NorwegianMinimalStemFilter::new, "minimal_norwegian", "minimalNorwegian");
        NorwegianLightStemFilterFactory lightNynorsk = new NorwegianLightStemFilterFactory(nynorsk());
        add(lightNynorsk::create, "light_nynorsk", "lightNynorsk");
        NorwegianMinimalStemFilterFactory minimalNynorsk = new NorwegianMinimalStemFilterFactory(nynorsk());
        add(minimalNynorsk::create, "minimal_nynorsk", "minimalNynorsk");

        add(PersianStemFilter::new, "persian");
        snowball(PortugueseStemmer::new, "portuguese");
        add(PortugueseLightStemFilter::new, "light_portuguese", "lightPortuguese");
        add(PortugueseMinimalStemFilter::new, "minimal_portuguese", "minimalPortuguese");
        add(PortugueseStemFilter::new, "portuguese_rslp");
        snowball(RomanianStemmer::new, "romanian");
        snowball(RussianStemmer::new, "russian");
        add(RussianLightStemFilter::new, "light_russian", "lightRussian");
        snowball(SerbianStemmer::new, "serbian");

        snowball(SpanishStemmer::new, "spanish");
        add(SpanishLightStemFilter::new, "light_spanish", "lightSpanish");
        add(SpanishPluralStemFilter::new, "spanish_plural");

        add(SoraniStemFilter::new, "sorani");
        snowball(SwedishStemmer::new, "swedish");
        add(SwedishLightStemFilter::new, "light_swedish", "lightSwedish");
        snowball(TurkishStemmer::new, "turkish");
    }

    private final String language;
    private final UnaryOperator<TokenStream> filter;

    /** The only public constructor (Elasticsearch requires exactly one). */
    @Inject
    public StemmerTokenFilterFactory(StemmerSettings settings) {
        String lang = settings.language();
        if (lang == null || lang.isEmpty()) {
            lang = settings.name();
        }
        this.language = lang == null ? "" : lang;
        this.filter = resolve(this.language);
    }

    /** The configured language, as given. */
    public String language() {
        return language;
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return filter.apply(tokenStream);
    }

    /** The known language names (without camelCase aliases), sorted. */
    public static Set<String> languages() {
        return Collections.unmodifiableSet(CANONICAL);
    }

    static UnaryOperator<TokenStream> resolve(String language) {
        String key = language.toLowerCase(Locale.ROOT);
        UnaryOperator<TokenStream> known = LANGUAGES.get(key);
        if (known != null) {
            return known;
        }
        String removedReason = REMOVED.get(key);
        if (removedReason != null) {
            throw new IllegalArgumentException(
                "stemmer language [" + language + "] is not supported: " + removedReason + " (also unsupported by the built-in filter)"
            );
        }
        // The built-in's last resort: a Snowball stemmer class named after the language.
        String snowballName = language.isEmpty() ? language : language.substring(0, 1).toUpperCase(Locale.ROOT) + language.substring(1);
        try {
            new SnowballFilter(new EmptyTokenStream(), snowballName).close();
        } catch (IllegalArgumentException | java.io.IOException | LinkageError e) {
            throw new IllegalArgumentException(
                "Unknown stemmer language [" + language + "] for the [stemmer] token filter: it is neither a known language "
                    + "nor a Lucene Snowball stemmer (org.tartarus.snowball.ext." + snowballName + "Stemmer). Known languages: "
                    + CANONICAL,
                e
            );
        }
        return ts -> new SnowballFilter(ts, snowballName);
    }

    private static void add(UnaryOperator<TokenStream> builder, String canonical, String... aliases) {
        put(canonical, builder);
        CANONICAL.add(canonical);
        for (String alias : aliases) {
            put(alias, builder);
        }
    }

    private static void snowball(Supplier<SnowballStemmer> stemmer, String canonical, String... aliases) {
        // a Snowball stemmer holds per-stream state: a new one for every filter
        add(ts -> new SnowballFilter(ts, stemmer.get()), canonical, aliases);
    }

    private static void removed(String reason, String... names) {
        for (String name : names) {
            REMOVED.put(name.toLowerCase(Locale.ROOT), reason);
        }
    }

    private static void put(String name, UnaryOperator<TokenStream> builder) {
        if (LANGUAGES.put(name.toLowerCase(Locale.ROOT), builder) != null) {
            throw new AssertionError("duplicate stemmer language " + name);
        }
    }

    private static Map<String, String> nynorsk() {
        Map<String, String> args = new HashMap<>();
        args.put("variant", "nn");
        return args;
    }
}

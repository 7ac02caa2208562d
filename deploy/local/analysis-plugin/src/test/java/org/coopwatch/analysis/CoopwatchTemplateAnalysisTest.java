package org.coopwatch.analysis;

import static org.coopwatch.analysis.TestSupport.settings;
import static org.coopwatch.analysis.TestSupport.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds the analyzers of schemas/index_templates/coopwatch-analysis.json from its own settings,
 * with this plugin's factories for the filter types it provides and Lucene's LowerCaseFilter for
 * the server's pre-configured {@code lowercase}, and checks what the index relies on.
 */
class CoopwatchTemplateAnalysisTest {

    private static final Set<String> PLUGIN_TYPES = Set.of("elision", "asciifolding", "stemmer");

    private static Map<String, Object> filters;
    private static Map<String, Object> analyzers;

    @BeforeAll
    static void readTemplate() throws IOException {
        Path template = Path.of(System.getProperty("coopwatch.analysis.template", "../../../schemas/index_templates/coopwatch-analysis.json"));
        Map<String, Object> root = Json.object(Json.parse(Files.readString(template, StandardCharsets.UTF_8)));
        Map<String, Object> analysis = Json.object(Json.object(Json.object(root.get("template")).get("settings")).get("analysis"));
        filters = Json.object(analysis.get("filter"));
        analyzers = Json.object(analysis.get("analyzer"));
    }

    private static List<UnaryOperator<TokenStream>> chain(String analyzer) {
        Map<String, Object> def = Json.object(analyzers.get(analyzer));
        assertEquals("standard", def.get("tokenizer"));
        List<UnaryOperator<TokenStream>> out = new ArrayList<>();
        for (Object name : (List<?>) def.get("filter")) {
            out.add(filter((String) name));
        }
        return out;
    }

    private static UnaryOperator<TokenStream> filter(String name) {
        if (name.equals("lowercase")) {
            return LowerCaseFilter::new; // pre-configured in the server itself
        }
        if (PLUGIN_TYPES.contains(name)) {
            return factoryFor(name, Map.of())::create;
        }
        Map<String, Object> def = Json.object(filters.get(name));
        assertTrue(def != null, "filter " + name + " is neither defined in the template nor built in");
        return factoryFor((String) def.get("type"), def)::create;
    }

    private static org.elasticsearch.plugin.analysis.TokenFilterFactory factoryFor(String type, Map<String, Object> params) {
        return switch (type) {
            case "elision" -> new ElisionTokenFilterFactory(settings(ElisionSettings.class, params));
            case "asciifolding" -> new AsciiFoldingTokenFilterFactory(settings(AsciiFoldingSettings.class, params));
            case "stemmer" -> new StemmerTokenFilterFactory(settings(StemmerSettings.class, params));
            default -> throw new AssertionError("template uses filter type [" + type + "] that neither this plugin nor the server provides");
        };
    }

    @Test
    void frenchAccentsDoNotMatter() {
        List<UnaryOperator<TokenStream>> fr = chain("coopwatch_french");
        List<String> accented = tokens("sécurité intérieure", fr);
        assertEquals(accented, tokens("securite interieure", fr));
        assertEquals(accented, tokens("Sécurité Intérieure", fr));
        assertEquals(2, accented.size());
    }

    @Test
    void frenchElision() {
        List<UnaryOperator<TokenStream>> fr = chain("coopwatch_french");
        // the elision filter alone leaves "immigration"; light_french then stems it to "imig"
        assertEquals(List.of("immigration"), tokens("l’immigration", filter("coopwatch_french_elision")));
        assertEquals(tokens("immigration", fr), tokens("l’immigration", fr));
        assertEquals(tokens("immigration", fr), tokens("L'immigration", fr));
        assertEquals(List.of("imig"), tokens("l’immigration", fr));
        assertEquals(tokens("l’Europe", fr), tokens("Europe", fr));
    }

    @Test
    void frenchPluralsConflate() {
        List<UnaryOperator<TokenStream>> fr = chain("coopwatch_french");
        assertEquals(tokens("coopération", fr), tokens("coopérations", fr));
        assertEquals(tokens("agence", fr), tokens("agences", fr));
    }

    @Test
    void englishChain() {
        List<UnaryOperator<TokenStream>> en = chain("coopwatch_english");
        assertEquals(tokens("cooperation", en), tokens("Cooperations", en));
        assertEquals(tokens("cafe", en), tokens("Café", en));
    }
}

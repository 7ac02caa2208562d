package org.coopwatch.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.elasticsearch.plugin.Extensible;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.IntSetting;
import org.elasticsearch.plugin.settings.ListSetting;
import org.elasticsearch.plugin.settings.LongSetting;
import org.elasticsearch.plugin.settings.StringSetting;
import org.junit.jupiter.api.Test;

/**
 * Checks the plugin metadata the zip ships, and that the components follow the rules
 * Elasticsearch applies when it loads a stable plugin.
 */
class PluginContractTest {

    private static final Set<Class<? extends Annotation>> SETTING_ANNOTATIONS = Set.of(
        StringSetting.class,
        BooleanSetting.class,
        IntSetting.class,
        LongSetting.class,
        ListSetting.class
    );

    private static Path metadataDir() {
        return Path.of(System.getProperty("coopwatch.plugin.metadata.dir", "src/main/plugin-metadata"));
    }

    private static Map<String, Map<String, Object>> namedComponents() throws IOException {
        Map<String, Object> root = Json.object(Json.parse(Files.readString(metadataDir().resolve("named_components.json"))));
        Map<String, Map<String, Object>> out = new HashMap<>();
        root.forEach((k, v) -> out.put(k, Json.object(v)));
        return out;
    }

    @Test
    void namedComponentsJsonMatchesTheAnnotatedClasses() throws Exception {
        Map<String, Map<String, Object>> json = namedComponents();
        Set<String> listed = new TreeSet<>();
        for (var extensible : json.entrySet()) {
            Class<?> iface = Class.forName(extensible.getKey());
            assertTrue(iface.isInterface() && iface.isAnnotationPresent(Extensible.class), extensible.getKey() + " must be an @Extensible interface");
            for (var component : extensible.getValue().entrySet()) {
                Class<?> impl = Class.forName((String) component.getValue());
                assertTrue(iface.isAssignableFrom(impl), impl + " must implement " + iface);
                NamedComponent named = impl.getAnnotation(NamedComponent.class);
                assertNotNull(named, impl + " must be annotated @NamedComponent");
                assertEquals(component.getKey(), named.value(), "name of " + impl);
                listed.add(impl.getName());
            }
        }
        assertEquals(annotatedClassesInThisJar(), listed, "every @NamedComponent class must be in named_components.json");
        assertEquals(
            Set.of("elision", "asciifolding", "stemmer", "pattern_capture", "unique"),
            json.get("org.elasticsearch.plugin.analysis.TokenFilterFactory").keySet(),
            "exactly the filters the templates and the .security-7 index use and the integ-test-zip server lacks"
        );
        assertEquals(
            Set.of("uax_url_email"),
            json.get("org.elasticsearch.plugin.analysis.TokenizerFactory").keySet(),
            "the tokenizer of the .security-7 index's email analyzer"
        );
    }

    private static Set<String> annotatedClassesInThisJar() throws IOException, URISyntaxException {
        Path classes = Path.of(ElisionTokenFilterFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    if (Class.forName(name).isAnnotationPresent(NamedComponent.class)) {
                        out.add(name);
                    }
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    /** Elasticsearch: exactly one public constructor; with parameters it must be @Inject and take settings interfaces. */
    @Test
    void componentsCanBeInstantiatedByElasticsearch() throws Exception {
        for (var extensible : namedComponents().values()) {
            for (Object className : extensible.values()) {
                Class<?> impl = Class.forName((String) className);
                Constructor<?>[] constructors = impl.getConstructors();
                assertEquals(1, constructors.length, impl + ": Plugin can only have one public constructor.");
                Constructor<?> c = constructors[0];
                if (c.getParameterCount() > 0) {
                    assertNotNull(c.getAnnotation(Inject.class), impl + ": constructor with parameters must be @Inject");
                }
                for (Class<?> param : c.getParameterTypes()) {
                    assertTrue(param.isInterface() && param.isAnnotationPresent(AnalysisSettings.class), param + " must be an @AnalysisSettings interface");
                    for (Method m : param.getDeclaredMethods()) {
                        Annotation[] annotations = m.getAnnotations();
                        assertEquals(1, annotations.length, m + " must have exactly one setting annotation");
                        assertTrue(SETTING_ANNOTATIONS.contains(annotations[0].annotationType()), m + ": " + annotations[0]);
                        assertEquals(0, m.getParameterCount(), m + " takes no arguments");
                    }
                }
            }
        }
    }

    /**
     * On index creation Elasticsearch instantiates every stable-plugin component under its own
     * name with empty settings, so no constructor may throw on them.
     */
    @Test
    void componentsAcceptEmptySettings() throws Exception {
        for (var extensible : namedComponents().values()) {
            for (Object className : extensible.values()) {
                Constructor<?> c = Class.forName((String) className).getConstructors()[0];
                Object[] args = new Object[c.getParameterCount()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = TestSupport.settings(c.getParameterTypes()[i], Map.of());
                }
                assertNotNull(c.newInstance(args), className + " with empty settings");
            }
        }
    }

    /** The stable descriptor carries only what Elasticsearch's stable-descriptor reader accepts. */
    @Test
    void stableDescriptorHasTheStableKeysOnly() throws IOException {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(metadataDir().resolve("stable-plugin-descriptor.properties"), StandardCharsets.UTF_8)) {
            props.load(r);
        }
        assertEquals(
            new TreeSet<>(List.of("name", "description", "version", "elasticsearch.version", "java.version", "modular")),
            new TreeSet<>(props.stringPropertyNames())
        );
        assertEquals("coopwatch-analysis", props.getProperty("name"));
    }
}

package org.coopwatch.analysis;

import java.util.List;

import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.ListSetting;
import org.elasticsearch.plugin.settings.StringSetting;

/**
 * Settings of the {@code elision} token filter, as the built-in one names them.
 * Elasticsearch builds a proxy of this interface over the filter's settings; every method
 * must carry exactly one setting annotation.
 */
@AnalysisSettings
public interface ElisionSettings {

    /** The elided articles, e.g. {@code ["l", "d", "qu"]}. Empty when unset. */
    @ListSetting(path = "articles")
    List<String> articles();

    /** Whether articles match case-insensitively (built-in default: false). */
    @BooleanSetting(path = "articles_case", defaultValue = false)
    boolean articlesCase();

    /**
     * A word-list file under the config directory in the built-in filter. The stable API
     * gives a plugin no access to the node's config directory, so this plugin rejects it.
     */
    @StringSetting(path = "articles_path", defaultValue = "")
    String articlesPath();
}

package org.coopwatch.analysis;

import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.StringSetting;

/**
 * Settings of the {@code stemmer} token filter, as the built-in one names them: the language
 * is read from {@code language}, else from {@code name}, else it is {@code porter}.
 */
@AnalysisSettings
public interface StemmerSettings {

    @StringSetting(path = "language", defaultValue = "")
    String language();

    @StringSetting(path = "name", defaultValue = "porter")
    String name();
}

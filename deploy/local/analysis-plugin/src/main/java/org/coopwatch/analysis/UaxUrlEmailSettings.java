package org.coopwatch.analysis;

import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.IntSetting;

/** Settings of the {@code uax_url_email} tokenizer, as the built-in one names them. */
@AnalysisSettings
public interface UaxUrlEmailSettings {

    /** Longer tokens are split at this length (built-in default: 255). */
    @IntSetting(path = "max_token_length", defaultValue = 255)
    int maxTokenLength();
}

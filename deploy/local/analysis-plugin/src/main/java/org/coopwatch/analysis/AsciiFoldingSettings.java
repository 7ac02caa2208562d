package org.coopwatch.analysis;

import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;

/** Settings of the {@code asciifolding} token filter, as the built-in one names them. */
@AnalysisSettings
public interface AsciiFoldingSettings {

    /** Also emit the unfolded token (built-in default: false). */
    @BooleanSetting(path = "preserve_original", defaultValue = false)
    boolean preserveOriginal();
}

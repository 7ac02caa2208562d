package org.coopwatch.analysis;

import java.util.List;

import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.ListSetting;

/** Settings of the {@code pattern_capture} token filter, as the built-in one names them. */
@AnalysisSettings
public interface PatternCaptureSettings {

    /** Java regular expressions; every capture group of every match becomes a token. Empty when unset. */
    @ListSetting(path = "patterns")
    List<String> patterns();

    /** Also emit the original token (built-in default: true). */
    @BooleanSetting(path = "preserve_original", defaultValue = true)
    boolean preserveOriginal();
}

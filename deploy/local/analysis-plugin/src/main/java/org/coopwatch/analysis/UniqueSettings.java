package org.coopwatch.analysis;

import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;

/** Settings of the {@code unique} token filter, as the built-in one names them. */
@AnalysisSettings
public interface UniqueSettings {

    /** Only drop a duplicate at the same position (built-in default: false, anywhere in the stream). */
    @BooleanSetting(path = "only_on_same_position", defaultValue = false)
    boolean onlyOnSamePosition();
}

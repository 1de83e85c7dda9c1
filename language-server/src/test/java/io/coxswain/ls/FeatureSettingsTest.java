package io.coxswain.ls;

import com.google.gson.JsonPrimitive;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.coxswain.ls.RecordingClient.json;
import static org.assertj.core.api.Assertions.assertThat;

class FeatureSettingsTest {

    @Test
    void allOnUntilSaidOtherwise() {
        assertThat(FeatureSettings.DEFAULT).isEqualTo(new FeatureSettings(true, true, true));
        assertThat(FeatureSettings.DEFAULT.with(null)).isEqualTo(FeatureSettings.DEFAULT);
        assertThat(FeatureSettings.DEFAULT.with(json("{\"coxswain\":{\"cluster\":{\"context\":\"c\"}}}"))).isEqualTo(FeatureSettings.DEFAULT);
    }

    @Test
    void readsTheCoxswainObjectOrWhatHoldsIt() {
        assertThat(FeatureSettings.DEFAULT.with(json("{\"coxswain\":{\"validate\":false}}"))).isEqualTo(new FeatureSettings(false, true, true));
        assertThat(FeatureSettings.DEFAULT.with(json("{\"completion\":false,\"hover\":false}"))).isEqualTo(new FeatureSettings(true, false, false));
    }

    @Test
    void anAbsentSwitchKeepsItsValue() {
        FeatureSettings off = new FeatureSettings(false, false, false);
        assertThat(off.with(json("{\"coxswain\":{\"hover\":true}}"))).isEqualTo(new FeatureSettings(false, false, true));
        assertThat(off.withValues(Arrays.asList(null, new JsonPrimitive(true)))).isEqualTo(new FeatureSettings(false, true, false));
    }

    @Test
    void aValueThatIsNoBooleanIsRefusedNotTakenAsFalse() {
        assertThat(FeatureSettings.DEFAULT.with(json("{\"validate\":\"no\",\"hover\":0}"))).isEqualTo(FeatureSettings.DEFAULT);
    }
}

package io.coxswain.ls.cluster;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterSettingsTest {

    @Test
    void readsTheSectionAtAnyLevel() {
        ClusterSettings expected = new ClusterSettings("/k", "ctx", "team-a");
        assertThat(ClusterSettings.from(JsonParser.parseString(
                "{\"coxswain\":{\"cluster\":{\"kubeconfig\":\"/k\",\"context\":\"ctx\",\"namespace\":\"team-a\"}}}"))).isEqualTo(expected);
        assertThat(ClusterSettings.from(JsonParser.parseString(
                "{\"kubeconfig\":\"/k\",\"context\":\"ctx\",\"namespace\":\"team-a\"}"))).isEqualTo(expected);
        assertThat(ClusterSettings.from(JsonParser.parseString("{\"kubeconfig\":\" \"}"))).isEqualTo(ClusterSettings.DEFAULT);
        assertThat(ClusterSettings.from(null)).isEqualTo(ClusterSettings.DEFAULT);
        assertThat(new ClusterSettings("/k", null, null).kubeconfigFile()).isEqualTo(Path.of("/k"));
    }

    @Test
    void fieldPathsBecomePointers() {
        assertThat(EditorCommands.pointer("spec.containers[0].image")).isEqualTo("/spec/containers/0/image");
        assertThat(EditorCommands.pointer("metadata.name")).isEqualTo("/metadata/name");
    }
}

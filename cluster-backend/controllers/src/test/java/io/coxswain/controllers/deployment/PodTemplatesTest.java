package io.coxswain.controllers.deployment;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodTemplatesTest {

    private static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage(image).endContainer().endSpec().build();
    }

    @Test
    void theHashIsStableAndSafe() {
        String h = PodTemplates.hash(template("busybox"), null);
        assertThat(h).isEqualTo(PodTemplates.hash(template("busybox"), null)).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
        assertThat(PodTemplates.hash(template("pause"), null)).isNotEqualTo(h);
        assertThat(PodTemplates.hash(template("busybox"), 1)).isNotEqualTo(h).isNotEqualTo(PodTemplates.hash(template("busybox"), 2));
    }

    @Test
    void theHashIgnoresFieldOrderNullsEmptiesAndItsOwnLabel() {
        PodTemplateSpec reordered = Serialization.unmarshal("""
                {"spec": {"containers": [{"image": "busybox", "name": "main", "env": []}], "volumes": null},
                 "metadata": {"creationTimestamp": null, "annotations": {}, "labels": {"pod-template-hash": "abc", "app": "web"}}}
                """, PodTemplateSpec.class);
        assertThat(PodTemplates.hash(reordered, null)).isEqualTo(PodTemplates.hash(template("busybox"), null));
        assertThat(PodTemplates.equalIgnoreHash(reordered, template("busybox"))).isTrue();
        assertThat(PodTemplates.equalIgnoreHash(template("pause"), template("busybox"))).isFalse();
    }

    @Test
    void safeEncodeMapsEachByteIntoTheAlphabet() {
        // rand.SafeEncodeString: '0' is 48, 48 % 27 = 21, the alphabet's '4'; '6' is 54 % 27 = 0, its 'b'
        assertThat(PodTemplates.safeEncode("0123456789")).isEqualTo("456789bcdf");
    }
}

package io.coxswain.apiserver.patch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static io.coxswain.apiserver.patch.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

class MergePatchTest {

    /** The examples of RFC 7386, appendix A. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'a':'b'}                 | {'a':'c'}                 | {'a':'c'}",
            "{'a':'b'}                 | {'b':'c'}                 | {'a':'b','b':'c'}",
            "{'a':'b'}                 | {'a':null}                | {}",
            "{'a':'b','b':'c'}         | {'a':null}                | {'b':'c'}",
            "{'a':['b']}               | {'a':'c'}                 | {'a':'c'}",
            "{'a':'c'}                 | {'a':['b']}               | {'a':['b']}",
            "{'a':{'b':'c'}}           | {'a':{'b':'d','c':null}}  | {'a':{'b':'d'}}",
            "{'a':[{'b':'c'}]}         | {'a':[1]}                 | {'a':[1]}",
            "['a','b']                 | ['c','d']                 | ['c','d']",
            "{'a':'b'}                 | ['c']                     | ['c']",
            "{'a':'foo'}               | null                      | null",
            "{'a':'foo'}               | 'bar'                     | 'bar'",
            "{'e':null}                | {'a':1}                   | {'e':null,'a':1}",
            "[1,2]                     | {'a':'b','c':null}        | {'a':'b'}",
            "{}                        | {'a':{'bb':{'ccc':null}}} | {'a':{'bb':{}}}",
    })
    void rfc7386Examples(String target, String patch, String expected) {
        assertThat(MergePatch.apply(json(target), json(patch))).isEqualTo(json(expected));
    }

    @Test
    void doesNotMutateItsInputs() {
        var target = json("{'a':{'b':1}}");
        var patch = json("{'a':{'c':2}}");
        MergePatch.apply(target, patch);
        assertThat(target).isEqualTo(json("{'a':{'b':1}}"));
        assertThat(patch).isEqualTo(json("{'a':{'c':2}}"));
    }

    @Test
    void nullTargetIsAnEmptyObject() {
        assertThat(MergePatch.apply(null, json("{'a':1,'b':null}"))).isEqualTo(json("{'a':1}"));
    }
}

package io.coxswain.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** A finished request's answer: the code, the JSON body and any warnings for Warning headers. */
record Reply(int code, JsonNode body, List<String> warnings) {

    static Reply ok(JsonNode body) {
        return new Reply(200, body, List.of());
    }
}

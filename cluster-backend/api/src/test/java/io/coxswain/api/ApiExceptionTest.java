package io.coxswain.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Status bodies field for field as k8s.io/apimachinery/pkg/api/errors builds them, empty fields left out. */
class ApiExceptionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void assertStatus(ApiException e, String expected) throws Exception {
        assertThat(e.toStatus()).isEqualTo(JSON.readTree(expected));
    }

    @Test
    void notFoundAlreadyExistsAndConflictQualifyTheResourceWithItsGroup() throws Exception {
        assertStatus(ApiException.notFound("apps", "deployments", "web"), """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \\"web\\" not found",
                 "reason":"NotFound","details":{"name":"web","group":"apps","kind":"deployments"},"code":404}""");
        assertStatus(ApiException.alreadyExists("", "configmaps", "cm"), """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \\"cm\\" already exists",
                 "reason":"AlreadyExists","details":{"name":"cm","kind":"configmaps"},"code":409}""");
        assertStatus(ApiException.conflict("batch", "jobs", "j", "the object has been modified; please apply your changes to the "
                + "latest version and try again"), """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on jobs.batch \\"j\\": the object has been modified; please apply your changes to the latest version and try again",
                 "reason":"Conflict","details":{"name":"j","group":"batch","kind":"jobs"},"code":409}""");
    }

    @Test
    void invalidQualifiesTheKindAndListsCausesWithoutEmptyFields() throws Exception {
        assertStatus(ApiException.invalid("apps", "Deployment", "web", List.of(
                new ApiException.Cause("FieldValueInvalid", "Invalid value: -1: must be greater than or equal to 0", "spec.replicas"),
                new ApiException.Cause("FieldValueRequired", "Required value", "spec.selector"))), """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
                 "message":"Deployment.apps \\"web\\" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.selector: Required value]",
                 "reason":"Invalid","details":{"name":"web","group":"apps","kind":"Deployment","causes":[
                   {"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"},
                   {"reason":"FieldValueRequired","message":"Required value","field":"spec.selector"}]},"code":422}""");
    }

    @Test
    void forbiddenInternalAndTheGenericAnswers() throws Exception {
        assertStatus(ApiException.forbidden("", "pods", "", "unable to create new content in namespace x because it is being terminated"),
                """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
                 "message":"pods is forbidden: unable to create new content in namespace x because it is being terminated",
                 "reason":"Forbidden","details":{"kind":"pods"},"code":403}""");
        assertStatus(ApiException.internal("boom"), """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Internal error occurred: boom",
                 "reason":"InternalError","details":{"causes":[{"message":"boom"}]},"code":500}""");
        assertStatus(ApiException.pathNotFound(), """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource",
                 "reason":"NotFound","details":{},"code":404}""");
        assertStatus(ApiException.methodNotAllowed(), """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server does not allow this method on the requested resource",
                 "reason":"MethodNotAllowed","details":{},"code":405}""");
        assertStatus(ApiException.badRequest("bad"), """
                {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"bad","reason":"BadRequest","code":400}""");
    }
}

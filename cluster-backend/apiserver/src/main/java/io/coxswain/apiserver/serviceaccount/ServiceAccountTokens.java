package io.coxswain.apiserver.serviceaccount;

/**
 * What the HTTP layer serves of the service account token issuer: the TokenRequest subresource and, when the issuer is
 * a URL, its OIDC discovery documents (null otherwise).
 */
public record ServiceAccountTokens(TokenRequests requests, IssuerDiscovery discovery) {
}

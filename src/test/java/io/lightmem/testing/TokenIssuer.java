package io.lightmem.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * A real OpenID Connect token issuer on loopback, as far as a resource server meets one: discovery
 * (/.well-known/openid-configuration), the signing keys (/jwks, RS256) and signed JWTs with whatever
 * claims a test asks for. Its URL is its issuer.
 */
public final class TokenIssuer implements AutoCloseable {

    private final HttpServer server;
    private final RsaJsonWebKey key;
    private final AtomicInteger keyFetches = new AtomicInteger();

    public TokenIssuer() throws IOException {
        try {
            key = RsaJwkGenerator.generateJwk(2048);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
        key.setKeyId("test-key-" + System.nanoTime());
        key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        key.setUse("sig");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration", exchange -> {
            String body = "{\"issuer\":\"" + url() + "\",\"jwks_uri\":\"" + url() + "/jwks\","
                    + "\"authorization_endpoint\":\"" + url() + "/authorize\",\"token_endpoint\":\"" + url() + "/token\","
                    + "\"id_token_signing_alg_values_supported\":[\"RS256\"],\"response_types_supported\":[\"code\"],"
                    + "\"subject_types_supported\":[\"public\"]}";
            reply(exchange, body);
        });
        server.createContext("/jwks", exchange -> {
            keyFetches.incrementAndGet();
            reply(exchange, new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        });
        server.start();
    }

    /** The issuer (iss) and base URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A token of this issuer for the audience, valid for ten minutes, with these claims besides. */
    public String token(String subject, String audience, Map<String, Object> claims) {
        return sign(url(), subject, audience, Instant.now().plus(Duration.ofMinutes(10)), claims);
    }

    /** A token signed with this issuer's key that names any issuer, expiry and claims. */
    public String sign(String issuer, String subject, String audience, Instant expiresAt, Map<String, Object> claims) {
        JwtClaims jwt = new JwtClaims();
        jwt.setIssuer(issuer);
        jwt.setSubject(subject);
        jwt.setAudience(audience);
        jwt.setIssuedAt(NumericDate.fromMilliseconds(Math.min(System.currentTimeMillis(),
                expiresAt.toEpochMilli() - 60_000)));
        jwt.setExpirationTime(NumericDate.fromMilliseconds(expiresAt.toEpochMilli()));
        jwt.setGeneratedJwtId();
        claims.forEach(jwt::setClaim);
        JsonWebSignature signature = new JsonWebSignature();
        signature.setPayload(jwt.toJson());
        signature.setKey(key.getPrivateKey());
        signature.setKeyIdHeaderValue(key.getKeyId());
        signature.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return signature.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How often the keys were fetched (a verifier that caches them fetches once). */
    public int keyFetches() {
        return keyFetches.get();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

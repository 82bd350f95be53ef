package io.mppgateway.paywall.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;

import io.mppgateway.paywall.config.PaywallConfig;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * This provider's service token for payment-service's {@code /internal/*}: a short-lived RS256 JWT (SmallRye JWT),
 * signed with the provider's own private key, whose key id tells payment-service who is calling. Re-signed when half
 * its lifetime has passed.
 */
@ApplicationScoped
public class ServiceToken {
    private final PaywallConfig.PaymentClient config;
    private PrivateKey key;
    private String bearer;
    private Instant renewAt = Instant.MIN;

    public ServiceToken(PaywallConfig config) {
        this.config = config.paymentClient();
    }

    /** {@code Bearer <JWT>}, for the {@code Authorization} header. */
    public synchronized String bearer() {
        Instant now = Instant.now();
        if (now.isAfter(renewAt)) {
            Instant expires = now.plus(config.tokenLifetime());
            bearer = "Bearer " + Jwt.issuer(config.tokenKeyId()).subject(config.tokenKeyId())
                    .audience(config.tokenAudience()).issuedAt(now).expiresAt(expires)
                    .jws().keyId(config.tokenKeyId()).sign(key());
            renewAt = now.plus(config.tokenLifetime().dividedBy(2));
        }
        return bearer;
    }

    private PrivateKey key() {
        if (key == null) {
            try {
                key = KeyUtils.decodePrivateKey(Files.readString(Path.of(config.tokenKeyLocation())));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the payment-service client key at "
                        + config.tokenKeyLocation() + " (paywall.payment-client.token-key-location)", e);
            }
        }
        return key;
    }
}

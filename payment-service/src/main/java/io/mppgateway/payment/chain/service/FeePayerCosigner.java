package io.mppgateway.payment.chain.service;

import io.mppgateway.payment.chain.tempo.TempoTransaction;
import io.mppgateway.payment.config.PaymentConfig;
import io.smallrye.mutiny.Uni;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.Interceptor;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;

/**
 * Co-signs a buyer's 0x78 envelope as fee payer (the server pays the network fee in its fee token), only after
 * {@link SponsorGuard} found that the whole transaction succeeds and its fee fits the per-transaction cap and the
 * window's budget.
 */
// created at start, before the scheduler and the HTTP server, not by the first settlement on the event loop: its key
// loads the JCA provider, seconds on a loaded node
@Startup(Interceptor.Priority.PLATFORM_BEFORE - 1)
@ApplicationScoped
public class FeePayerCosigner {
    private final PaymentConfig config;
    private final SponsorGuard guard;
    private final Credentials feePayer;

    public FeePayerCosigner(PaymentConfig config, SponsorGuard guard) {
        this.config = config;
        this.guard = guard;
        this.feePayer = config.feePayer().enabled()
                ? Credentials.create(config.feePayer().privateKey().orElseThrow(() -> new IllegalStateException(
                        "payment.fee-payer.enabled needs payment.fee-payer.private-key")))
                : null;
    }

    public String address() {
        return feePayer == null ? null : feePayer.getAddress();
    }

    /**
     * @return the 0x76 transaction ready to broadcast
     * @throws io.mppgateway.payment.mpp.PaymentRejectedException 402 when the sponsor must not pay for it (503 when
     *                                                             the chain could not be asked)
     */
    public Uni<String> cosign(TempoTransaction tx, String sender, String challengeId) {
        if (feePayer == null) {
            throw new IllegalStateException("fee sponsorship is off");
        }
        return guard.check(tx, sender, challengeId).map(checked -> {
            String feeToken = config.feePayer().feeToken();
            Sign.SignatureData signature = Sign.signMessage(tx.feePayerSignPayload(feeToken, sender),
                    feePayer.getEcKeyPair(), false);
            return tx.withFeePayer(feeToken, signature);
        });
    }
}

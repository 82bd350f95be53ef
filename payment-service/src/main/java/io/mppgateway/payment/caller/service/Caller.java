package io.mppgateway.payment.caller.service;

/**
 * An authenticated caller of {@code /internal/*}: a provider service (with the realm it sells under) or a refund
 * operator.
 *
 * @param keyId    the key its token was signed with
 * @param provider the provider name for a provider service, null for a refund operator
 * @param realm    the provider's realm, null for a refund operator
 */
public record Caller(String keyId, String provider, String realm) {

    public boolean isProvider() {
        return provider != null;
    }

    /** Only provider services (not refund operators), e.g. for the charge terms they mint challenges with. */
    public void requireProviderService() {
        if (!isProvider()) {
            throw new CallerRejectedException(403, "caller " + keyId + " is not a provider service");
        }
    }

    /** A provider may ask for challenges and settle credentials only as itself, under its own realm. */
    public void requireProvider(String provider, String realm) {
        requireProviderService();
        if (!this.provider.equals(provider) || !this.realm.equals(realm)) {
            throw new CallerRejectedException(403, "caller " + keyId + " acts for provider " + this.provider
                    + " in realm " + this.realm + ", not for " + provider + " in " + realm);
        }
    }

    /** A provider may report outcomes only of the charges it settled. */
    public void requireOwnCharge(String chargeProvider, String challengeId) {
        if (!isProvider() || !provider.equals(chargeProvider)) {
            throw new CallerRejectedException(403, "caller " + keyId + " did not settle the charge of challenge "
                    + challengeId);
        }
    }

    public void requireRefundOperator() {
        if (isProvider()) {
            throw new CallerRejectedException(403, "caller " + keyId + " may not trigger refunds");
        }
    }
}

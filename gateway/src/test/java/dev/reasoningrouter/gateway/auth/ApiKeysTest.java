package dev.reasoningrouter.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
    private final LimitProperties limits = new LimitProperties(600, 100_000, 1 << 20);

    @Test
    void keysAreFoundByTheirHashAndOnlyTheNameAndLimitsComeBack() {
        String hashed = "sk-rr-configured-by-hash-0001";
        ApiKeys keys = new ApiKeys(new AuthProperties("sk-rr-first-key-000000, sk-rr-second-key-11111",
                List.of(new AuthProperties.KeySettings("team-a", "sk-rr-team-a-key-2222222", null, 5L, 0L),
                        new AuthProperties.KeySettings("team-b", null, HexFormat.of().formatHex(ApiKeys.sha256(hashed)), null, 7L))),
                limits);
        assertThat(keys.open()).isFalse();
        assertThat(keys.size()).isEqualTo(4);
        Caller first = keys.authenticate("sk-rr-first-key-000000").orElseThrow();
        assertThat(first.name()).startsWith("key-").doesNotContain("first");
        assertThat(first.requestsPerMinute()).isEqualTo(600);
        assertThat(keys.authenticate("sk-rr-team-a-key-2222222").orElseThrow()).isEqualTo(new Caller("team-a", 5, 0));
        assertThat(keys.authenticate(hashed).orElseThrow()).isEqualTo(new Caller("team-b", 600, 7));
        assertThat(keys.authenticate("sk-rr-first-key-000001")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
    }

    @Test
    void noKeysMeansAnOpenApiAndBadConfigurationIsRefusedWithTheKeyNamed() {
        assertThat(new ApiKeys(new AuthProperties("", null), limits).open()).isTrue();
        assertThatThrownBy(() -> new ApiKeys(new AuthProperties("short", null), limits))
                .hasMessageContaining("RR_API_KEYS").hasMessageContaining("16");
        assertThatThrownBy(() -> new ApiKeys(new AuthProperties(null,
                List.of(new AuthProperties.KeySettings("x", null, "not-hex", null, null))), limits)).hasMessageContaining("rr.auth.keys[0].sha256");
        assertThatThrownBy(() -> new ApiKeys(new AuthProperties(null,
                List.of(new AuthProperties.KeySettings(null, "sk-rr-long-enough-key-1", null, null, null))), limits))
                .hasMessageContaining("rr.auth.keys[0].name");
    }

    @Test
    void aKeyNeverAppearsInItsSettingsText() {
        assertThat(new AuthProperties.KeySettings("n", "sk-rr-secret-value-99999", null, null, null).toString()).doesNotContain("secret");
    }
}

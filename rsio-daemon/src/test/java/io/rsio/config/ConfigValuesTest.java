package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValuesTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, 500", "5s, 5000", "2m, 120000", "1h, 3600000", "7, 7000", "0, 0",
            "250MS, 250", "3S, 3000", "' 10s ', 10000", "10 s, 10000", "999999999ms, 999999999"})
    void durations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), ConfigValues.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "5 sec", "1.5s", "-1s", "5d", "1m30s", "1000000000ms", "5 s s", "PT5S"})
    void badDurationsSayWhatIsExpected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseDuration(text));
        assertTrue(e.getMessage().startsWith("must be a duration like 500ms, 5s, 2m or 1h"), e.getMessage());
        assertTrue(e.getMessage().endsWith("found " + ConfigValues.quote(text)), e.getMessage());
    }

    @Test
    void durationsFormatToTheLargestExactUnit() {
        assertEquals("500ms", ConfigValues.formatDuration(Duration.ofMillis(500)));
        assertEquals("1500ms", ConfigValues.formatDuration(Duration.ofMillis(1500)));
        assertEquals("5s", ConfigValues.formatDuration(Duration.ofSeconds(5)));
        assertEquals("90s", ConfigValues.formatDuration(Duration.ofSeconds(90)));
        assertEquals("2m", ConfigValues.formatDuration(Duration.ofMinutes(2)));
        assertEquals("1h", ConfigValues.formatDuration(Duration.ofHours(1)));
        assertEquals("0s", ConfigValues.formatDuration(Duration.ZERO));
    }

    @Test
    void durationsRoundTrip() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 2000; i++) {
            Duration d = Duration.ofMillis(random.nextLong(0, 999_999_999L));
            assertEquals(d, ConfigValues.parseDuration(ConfigValues.formatDuration(d)));
        }
    }

    @ParameterizedTest
    @CsvSource({
            "4096, 4096", "512K, 524288", "256k, 262144", "512M, 536870912", "10G, 10737418240",
            "1T, 1099511627776", "10GiB, 10737418240", "4 KiB, 4096", "0, 0", "' 1M ', 1048576",
            "8388607T, 9223370937343148032", "9223372036854775807, 9223372036854775807"})
    void sizes(String text, long bytes) {
        assertEquals(bytes, ConfigValues.parseSize(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "10X", "1.5G", "-1", "10 GB", "10KB", "1e6", "0x1000", "1P"})
    void badSizesSayWhatIsExpected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseSize(text));
        assertTrue(e.getMessage().startsWith("must be a size like 4096, 512K, 10G or 1T (K, M, G, T = powers of 1024)"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8388608T", "9223372036854775808", "99999999999999999999"})
    void sizesThatOverflowAreTooLarge(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseSize(text));
        assertTrue(e.getMessage().startsWith("is too large") || e.getMessage().startsWith("must be a size"), e.getMessage());
    }

    @Test
    void sizesFormatToTheLargestExactUnit() {
        assertEquals("256K", ConfigValues.formatSize(262144));
        assertEquals("10G", ConfigValues.formatSize(10L << 30));
        assertEquals("1536M", ConfigValues.formatSize(1536L << 20));
        assertEquals("1000", ConfigValues.formatSize(1000));
        assertEquals("0", ConfigValues.formatSize(0));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            long n = random.nextLong(0, 1L << 50) << random.nextInt(0, 12);
            assertEquals(n, ConfigValues.parseSize(ConfigValues.formatSize(n)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"198.18.0.1", "198.19.255.254", "127.0.0.1", "2001:db8::1", "::1", "fe80::1%eth0",
            "fe80::1%2", "::ffff:198.18.0.1", "2001:DB8:0:0:0:0:0:1"})
    void addressesAreLiterals(String text) {
        assertEquals(text, ConfigValues.parseAddress(" " + text + " "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "198.18.0", "198.18.0.1.5", "198.18.0.256", "01.2.3.4", "198.18.0.1/24",
            "localhost", "big-9", "2001:db8::1::2", "fe80::1%", "fe80::1%bad scope", "198.18.0.1:5000"})
    void badAddressesSayWhatIsExpected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseAddress(text));
        assertTrue(e.getMessage().startsWith("must be an IPv4 address like 198.18.0.1 or an IPv6 address like 2001:db8::1"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "224.0.0.1", "ff02::1"})
    void wildcardAndMulticastAreRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseAddress(text));
    }

    @Test
    void portsIdsAndChoices() {
        assertEquals(1, ConfigValues.parsePort("1"));
        assertEquals(65535, ConfigValues.parsePort("65535"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.parsePort("0"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.parsePort("+5000"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.parsePort("5 000"));
        assertEquals(0, ConfigValues.parseId("0"));
        assertEquals(Integer.MAX_VALUE, ConfigValues.parseId("2147483647"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseId("2147483648"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseId("99999999999"));
        assertEquals("tcp", ConfigValues.parseProtocol("TCP"));
        assertEquals("roundrobin", ConfigValues.parsePolicy("RoundRobin"));
        assertTrue(ConfigValues.parseYesNo("Yes"));
        assertTrue(ConfigValues.parseYesNo("on"));
        assertFalse(ConfigValues.parseYesNo("NO"));
        assertFalse(ConfigValues.parseYesNo("false"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseYesNo("1"));
    }

    @Test
    void uuidsMustBeCanonical() {
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertEquals(id, ConfigValues.parseUuid("123E4567-E89B-12D3-A456-426614174000"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseUuid("1-2-3-4-5"));
        assertThrows(IllegalArgumentException.class, () -> ConfigValues.parseUuid("123e4567e89b12d3a456426614174000"));
    }

    @Test
    void namesAreSimple() {
        assertTrue(ConfigValues.isName("big-9-1"));
        assertTrue(ConfigValues.isName("RSIO_oracle"));
        assertTrue(ConfigValues.isName("av0"));
        assertTrue(ConfigValues.isName("a".repeat(64)));
        assertFalse(ConfigValues.isName("a".repeat(65)));
        assertFalse(ConfigValues.isName(""));
        assertFalse(ConfigValues.isName(".."));
        assertFalse(ConfigValues.isName("-x"));
        assertFalse(ConfigValues.isName("a/b"));
        assertFalse(ConfigValues.isName("osl:oracle@0"));
    }

    @Test
    void quotedValuesAreShortAndPrintable() {
        assertEquals("\"a\\\"b\"", ConfigValues.quote("a\"b"));
        assertEquals("\"tab\\x09end\"", ConfigValues.quote("tab\tend"));
        String q = ConfigValues.quote("x".repeat(200));
        assertTrue(q.length() < 70, q);
        assertTrue(q.endsWith("...\""), q);
    }
}

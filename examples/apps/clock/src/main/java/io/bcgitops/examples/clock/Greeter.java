package io.bcgitops.examples.clock;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Asks the greeter app for clock's greeting: {@code GET <GREETER_URL>/?name=clock}, whose first
 * line is the greeting ("Hello, clock!").
 *
 * <p>HttpURLConnection rather than java.net.http.HttpClient: the client's selector thread would be
 * born in the app's thread group and outlive {@code stop()} (JDK 17 has no HttpClient.close()),
 * keeping the app's class loader alive in the runtime host.
 */
final class Greeter {

    // Short: a clock that waits for a stuck greeter is late.
    private static final int TIMEOUT_MILLIS = 2_000;

    private final String url;

    /**
     * @throws IllegalArgumentException when baseUrl is not an http(s) URL: a typo in GREETER_URL
     *     fails the start, where it shows, instead of every answer
     */
    Greeter(String baseUrl) {
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GREETER_URL '" + baseUrl + "' is not a URL: " + e.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("GREETER_URL '" + baseUrl + "' is not an http(s) URL with a host");
        }
        this.url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    String url() {
        return url;
    }

    /** greeter's greeting, or a sentence saying why there is none (never throws: the clock still answers). */
    String greeting() {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) URI.create(url + "/?name=clock").toURL().openConnection();
            connection.setConnectTimeout(TIMEOUT_MILLIS);
            connection.setReadTimeout(TIMEOUT_MILLIS);
            int status = connection.getResponseCode();
            if (status != 200) {
                return unavailable("it answered HTTP " + status);
            }
            try (InputStream body = connection.getInputStream()) {
                String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
                String firstLine = text.lines().findFirst().orElse("").strip();
                return firstLine.isEmpty() ? unavailable("it answered nothing") : firstLine;
            }
        } catch (IOException e) {
            return unavailable(e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    private String unavailable(String why) {
        return "greeter is unavailable at " + url + " (" + why + ").";
    }
}

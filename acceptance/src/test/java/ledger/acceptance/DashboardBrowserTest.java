package ledger.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ledger.access.Role;
import ledger.access.TestTokens;
import ledger.eventlog.TestMongo;
import ledger.query.RunningLedger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard (operations.md) in a real browser: Debian's chromium, headless, driven through its
 * chromium-driver by Selenium, on a ledger that logged the national-security fixture through the command API.
 * The page is opened with a token in its fragment; what it renders is compared with what the fixture expects
 * (every row of the period's table with its TOTAL, percentages and digest, the chart's bars, the tables by legal
 * process, the national-security report), a demand's history is opened from the search, a replay started from
 * the page is followed by its progress bar to the end, a version is published and verified from the page, and
 * each role is offered only what it may do. The layout is checked at 1400x1000 and at a phone's 390x844, with
 * screenshots left in target/ for a person to look at. Without chromium and chromium-driver the test is skipped,
 * saying why (.ci/run installs them where it can).
 */
class DashboardBrowserTest {

    private static final String FIXTURE = "national-security-2014-h1";
    private static final String PERIOD = "2014-H1";
    private static final Path CHROMIUM = Path.of(System.getProperty("ledger.test.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("ledger.test.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final String[] OUTCOMES = {"content", "subscriberOnly", "noDataFound", "rejected", "pending"};

    private static RunningLedger ledger;
    private static ChromeDriver browser;
    private static WebDriverWait wait;
    private static String skipped;

    @BeforeEach
    void browserHere() {
        Assumptions.assumeTrue(skipped == null, skipped);
    }

    @BeforeAll
    static void start() throws Exception {
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " (Debian's chromium)"
                : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER + " (Debian's chromium-driver)" : null;
        if (missing != null) {
            // each test is then reported skipped, with the reason, rather than the class vanishing from the counts
            skipped = "[dashboard] " + missing + " is not installed here: the dashboard's browser test is skipped; "
                    + "apt-get install chromium chromium-driver runs it (.ci/run does so where it can)";
            System.out.println(skipped);
            return;
        }
        // a replay slow enough to be watched: the fixture's 3,994 events take about three seconds
        ledger = new RunningLedger(TestMongo.embedded(), "--ledger.query.replay.max-events-per-second=1500");
        long last = Fixtures.load(ledger, FIXTURE, 8);
        long tracked = track();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> ledger.getQuery("/api/statistics/" + PERIOD).json().get("position").asLong() >= tracked
                        && Long.parseLong(ledger.getQuery("/api/queue?limit=1").headers().get("Ledger-Position").get(0)) >= tracked);

        // the system's driver and browser, named explicitly: Selenium Manager is never asked to find or fetch one
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1400,1000", "--lang=en-US", "--no-first-run", "--disable-extensions");
        browser = new ChromeDriver(service, options);
        desktop();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
        Files.createDirectories(SCREENSHOTS);
    }

    /**
     * Demands of 2025-H2 the team tracks (tracking.md), out of the fixture's period: t-1 overdue (alice's), t-2 due in
     * 2099 (bob's), t-3 without a due date or owner, t-4 disclosed without an order (its notice due, alice's), t-5
     * disclosed under an order until 2099 (not due). Returns the last position.
     */
    private static long track() {
        String legal = TestTokens.bearer(Role.LEGAL);
        String[][] demands = {{"t-1", "US", "2025-08-01T00:00:00Z"}, {"t-2", "DE", "2099-01-01T00:00:00Z"}, {"t-3", "US", null},
                {"t-4", "US", "2025-08-15T00:00:00Z"}, {"t-5", "DE", null}};
        long last = 0;
        for (int i = 0; i < demands.length; i++) {
            String[] d = demands[i];
            last = tracked(ledger.post("/api/demands", "{\"demandId\":\"" + d[0] + "\",\"receivedAt\":\"2025-07-0" + (i + 1)
                    + "T08:00:00Z\",\"jurisdiction\":\"" + d[1] + "\",\"agency\":\"FBI\",\"legalProcess\":\"SUBPOENA\",\"accounts\":[\""
                    + d[0] + "@example.org\"]" + (d[2] == null ? "" : ",\"dueAt\":\"" + d[2] + "\"") + "}", legal));
        }
        last = tracked(ledger.post("/api/demands/t-1/assignment", "{\"assignee\":\"alice\"}", legal));
        last = tracked(ledger.post("/api/demands/t-2/assignment", "{\"assignee\":\"bob\"}", legal));
        last = tracked(ledger.post("/api/demands/t-4/assignment", "{\"assignee\":\"alice\"}", legal));
        last = tracked(ledger.post("/api/demands/t-4/subscriber-disclosures", "{\"occurredAt\":\"2025-07-10T00:00:00Z\"}", legal));
        last = tracked(ledger.post("/api/demands/t-5/non-disclosure-order", "{\"occurredAt\":\"2025-07-06T00:00:00Z\",\"until\":\"2099-01-01T00:00:00Z\"}", legal));
        last = tracked(ledger.post("/api/demands/t-5/content-disclosures", "{\"occurredAt\":\"2025-07-11T00:00:00Z\"}", legal));
        return last;
    }

    private static long tracked(RunningLedger.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().get("position").asLong();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (ledger != null) {
            ledger.close();
        }
    }

    /** A viewport of exactly 1400x1000 CSS pixels (a window's size would include the browser's own frame). */
    private static void desktop() {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1400, "height", 1000, "deviceScaleFactor", 1, "mobile", false));
    }

    /** The page, fresh, with the role's token in its fragment (and the period). */
    private static void open(Role role) {
        open(TestTokens.of(role));
    }

    private static void open(String token) {
        browser.get("about:blank");
        browser.get(ledger.queries + "/#token=" + token + "&period=" + PERIOD);
    }

    private static void ready(String section) {
        wait.until(d -> "false".equals(d.findElement(By.id(section)).getDomAttribute("aria-busy")));
    }

    private static Object script(String js, Object... arguments) {
        return ((JavascriptExecutor) browser).executeScript(js, arguments);
    }

    /** A table's body and foot as rendered: each row's code (data-code of its header cell), then its cells' text. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> rendered(String table) {
        return (List<List<String>>) script("return [...document.querySelectorAll('#' + arguments[0] + ' tbody tr, #' + arguments[0]"
                + " + ' tfoot tr')].map(tr => [tr.cells[0].dataset.code || tr.cells[0].textContent.trim(),"
                + " ...[...tr.cells].slice(1).map(c => c.textContent.trim())]);", table);
    }

    /** A CSV's rows (header left out) as the page shows them: thousands grouped, a missing percentage as a dash. */
    private static List<List<String>> asShown(String csv) {
        List<List<String>> rows = new ArrayList<>();
        String[] lines = csv.split("\n");
        for (int i = 1; i < lines.length; i++) {
            List<String> cells = new ArrayList<>();
            String[] fields = lines[i].split(",", -1);
            cells.add(fields[0]);
            for (int c = 1; c < fields.length; c++) {
                String f = fields[c];
                cells.add(f.isEmpty() ? "\u2014" : f.contains(".") || f.contains("-") ? f : String.format(java.util.Locale.US, "%,d", Long.parseLong(f)));
            }
            rows.add(cells);
        }
        return rows;
    }

    private static String sha256(String text) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** The whole page, beyond the window, through the browser's own capture (DevTools protocol, via the driver). */
    private static void fullPage(String name) throws IOException {
        Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of("captureBeyondViewport", true, "format", "png"));
        Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
    }

    private static void fitsItsWidth(String where) {
        Number scrollWidth = (Number) script("return document.documentElement.scrollWidth;");
        Number innerWidth = (Number) script("return window.innerWidth;");
        assertThat(scrollWidth.longValue()).as(where + ": the page's width (no horizontal scrolling of the page)")
                .isLessThanOrEqualTo(innerWidth.longValue());
        @SuppressWarnings("unchecked")
        List<String> overflowing = (List<String>) script("return [...document.querySelectorAll('section.card, header, form')]"
                + ".filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > window.innerWidth + 0.5).map(e => e.id || e.tagName);");
        assertThat(overflowing).as(where + ": parts wider than the window").isEmpty();
    }

    private static boolean shown(String id) {
        List<WebElement> found = browser.findElements(By.id(id));
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    @Test
    void anAuditorSeesThePeriodsTableItsChartAndTheTablesByLegalProcess() throws Exception {
        open(Role.AUDITOR);
        ready("figures");
        // the token is taken out of the address bar; the period stays
        assertThat(browser.getCurrentUrl()).doesNotContain("token").doesNotContain(TestTokens.of(Role.AUDITOR)).endsWith("/#period=" + PERIOD);
        assertThat(browser.findElement(By.id("who")).getText()).contains("auditor");

        String expected = Fixtures.text(FIXTURE + "/expected.csv");
        assertThat(rendered("figures-table")).isEqualTo(asShown(expected));
        assertThat(browser.findElement(By.id("figures-digest")).getText()).isEqualTo(sha256(expected));
        JsonNode figures = ledger.getQuery("/api/statistics/" + PERIOD).json();
        assertThat(browser.findElement(By.id("figures-position")).getText().replace(",", "")).isEqualTo(figures.get("position").asText());
        List<String> columns = browser.findElements(By.cssSelector("#figures-table thead th")).stream().map(e -> e.getDomAttribute("scope")).toList();
        assertThat(columns).hasSize(12).containsOnly("col");

        // the chart: a bar group per largest jurisdiction, in order of requests, each segment the row's count
        ready("chart");
        WebElement chart = browser.findElement(By.id("outcomes-chart"));
        assertThat(chart.getDomAttribute("role")).isEqualTo("img");
        List<String[]> rows = new ArrayList<>(expected.lines().skip(1).filter(l -> !l.startsWith("TOTAL,")).map(l -> l.split(",", -1)).toList());
        rows.sort(Comparator.<String[]>comparingLong(r -> -Long.parseLong(r[1])).thenComparing(r -> r[0]));
        List<WebElement> groups = chart.findElements(By.cssSelector("g.bar-group"));
        assertThat(groups).hasSize(Math.min(10, rows.size()));
        String description = chart.findElement(By.tagName("desc")).getDomProperty("textContent");
        for (int i = 0; i < groups.size(); i++) {
            String[] row = rows.get(i);
            WebElement group = groups.get(i);
            assertThat(group.getDomAttribute("data-jurisdiction")).isEqualTo(row[0]);
            Map<String, String> values = new LinkedHashMap<>();
            for (WebElement rect : group.findElements(By.tagName("rect"))) {
                values.put(rect.getDomAttribute("data-outcome"), rect.getDomAttribute("data-value"));
            }
            assertThat(values).containsExactly(Map.entry("content", row[3]), Map.entry("subscriberOnly", row[4]),
                    Map.entry("noDataFound", row[5]), Map.entry("rejected", row[6]), Map.entry("pending", row[7]));
            assertThat(group.findElement(By.cssSelector("text.bar-total")).getDomProperty("textContent")).isEqualTo(row[1]);
            assertThat(description).contains(row[0] + " " + row[1] + " requests: content " + row[3] + ", subscriber data only " + row[4]);
            double width = 0;
            for (WebElement rect : group.findElements(By.tagName("rect"))) {
                width += Double.parseDouble(rect.getDomAttribute("width"));
            }
            double widest = 0;
            for (WebElement rect : groups.get(0).findElements(By.tagName("rect"))) {
                widest += Double.parseDouble(rect.getDomAttribute("width"));
            }
            assertThat(width / widest).as("bar of " + row[0]).isCloseTo(Double.parseDouble(row[1]) / Double.parseDouble(rows.get(0)[1]),
                    org.assertj.core.data.Offset.offset(0.01));
        }

        // by legal process, whole and narrowed to the United States; the national-security report
        ready("legal-process");
        assertThat(rendered("legal-process-table")).isEqualTo(asShown(Fixtures.text(FIXTURE + "/expected.legal-process.csv")));
        assertThat(browser.findElement(By.id("legal-process-digest")).getText())
                .isEqualTo(sha256(Fixtures.text(FIXTURE + "/expected.legal-process.csv")));
        new Select(browser.findElement(By.id("legal-process-jurisdiction"))).selectByValue("US");
        String us = Fixtures.text(FIXTURE + "/expected.legal-process-US.csv");
        wait.until(d -> d.findElement(By.id("legal-process-digest")).getText().equals(safeSha256(us)));
        ready("legal-process");
        assertThat(rendered("legal-process-table")).isEqualTo(asShown(us));
        ready("national-security");
        assertThat(rendered("national-security-table")).isEqualTo(asShown(Fixtures.text(FIXTURE + "/expected.national-security.csv")));

        assertThat(((Number) script("return window.innerWidth;")).intValue()).isEqualTo(1400);
        fitsItsWidth("1400x1000");
        screenshot("dashboard-1400x1000");
        fullPage("dashboard-1400x1000-full");
    }

    private static String safeSha256(String text) {
        try {
            return sha256(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDemandsHistoryOpensFromTheSearchWithItsActors() {
        open(Role.AUDITOR);
        ready("figures");
        assertThat(shown("demand-search-form")).isTrue();
        browser.findElement(By.id("search-jurisdiction")).sendKeys("us");
        new Select(browser.findElement(By.id("search-outcome"))).selectByValue("rejected");
        browser.findElement(By.cssSelector("#demand-search-form button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#demands-table tbody tr")));
        List<WebElement> found = browser.findElements(By.cssSelector("#demands-table tbody tr"));
        // the fixture's 27 rejected US demands of the table, and national-security ones rejected too
        JsonNode listed = ledger.getQuery("/api/demands?period=" + PERIOD + "&jurisdiction=US&outcome=rejected&limit=50").json();
        assertThat(found).hasSize(listed.get("demands").size());
        assertThat(found.get(0).getDomAttribute("data-demand")).isEqualTo(listed.get("demands").get(0).get("demandId").asText());

        String id = found.get(0).getDomAttribute("data-demand");
        found.get(0).findElement(By.tagName("button")).click();
        wait.until(d -> id.equals(d.findElement(By.id("demand")).getDomAttribute("data-demand")) && d.findElement(By.id("demand")).isDisplayed());
        assertThat(browser.findElement(By.id("demand-title")).getText()).isEqualTo("Demand " + id);
        JsonNode demand = ledger.getQuery("/api/demands/" + id).json();
        List<WebElement> history = browser.findElements(By.cssSelector("#demand-history tbody tr"));
        assertThat(history).hasSize(demand.get("history").size()).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < history.size(); i++) {
            JsonNode event = demand.get("history").get(i);
            assertThat(history.get(i).getDomAttribute("data-position")).isEqualTo(event.get("position").asText());
            assertThat(history.get(i).findElement(By.cssSelector("td.actor")).getText()).isEqualTo("admin"); // the fixture was logged by the admin
        }
        assertThat(history.get(0).findElement(By.tagName("th")).getText()).isEqualTo("Received");
        assertThat(history.stream().map(r -> r.findElement(By.tagName("th")).getText())).contains("Rejected");
        assertThat(browser.findElement(By.id("demand-meta")).getText()).contains("Rejected", "US");

        // by its id, as a recorder would
        browser.findElement(By.id("demand-id")).sendKeys("2014-H1-US-000027");
        browser.findElement(By.cssSelector("#demand-open-form button")).click();
        wait.until(d -> "2014-H1-US-000027".equals(d.findElement(By.id("demand")).getDomAttribute("data-demand")));
        assertThat(browser.findElement(By.id("demand-history")).getText()).contains("Received", "admin");
    }

    @Test
    void aReplayStartedFromThePageIsFollowedByItsProgressBarToTheEnd() {
        open(Role.AUDITOR);
        ready("figures");
        ready("replay");
        String before = browser.findElement(By.id("replay")).getDomAttribute("data-number");
        WebElement start = browser.findElement(By.id("replay-start"));
        assertThat(start.isDisplayed()).isTrue();
        start.click();
        // under way: a determinate bar part of the way (the replay is throttled to about three seconds)
        wait.until(d -> "RUNNING".equals(d.findElement(By.id("replay")).getDomAttribute("data-state"))
                && d.findElement(By.id("replay-progress")).getDomAttribute("value") != null);
        WebElement progress = browser.findElement(By.id("replay-progress"));
        double max = Double.parseDouble(progress.getDomProperty("max"));
        assertThat(max).isEqualTo(ledger.getQuery("/api/log/head").json().get("position").asDouble());
        assertThat(Double.parseDouble(progress.getDomProperty("value"))).isLessThan(max);
        assertThat(browser.findElement(By.id("replay-start")).isEnabled()).isFalse();
        // and to its end
        new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(100))
                .until(d -> "FINISHED".equals(d.findElement(By.id("replay")).getDomAttribute("data-state")));
        assertThat(Double.parseDouble(progress.getDomProperty("value"))).isEqualTo(max);
        assertThat(browser.findElement(By.id("replay")).getDomAttribute("data-number")).isNotEqualTo(before);
        assertThat(browser.findElement(By.id("replay-progress-text")).getText()).contains("(100 %)");
        assertThat(browser.findElement(By.id("replay-progress-label")).getText()).endsWith("finished");
        assertThat(browser.findElement(By.id("replay-start")).isEnabled()).isTrue();
        // the figures read again, unchanged
        ready("figures");
        assertThat(browser.findElement(By.id("figures-digest")).getText()).isEqualTo(safeSha256(textOf(FIXTURE + "/expected.csv")));
    }

    private static String textOf(String resource) {
        try {
            return Fixtures.text(resource);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aVersionPublishedFromThePageIsVerifiedFromIt() {
        open(Role.PUBLISHER);
        ready("reports");
        assertThat(shown("reports-publish")).isTrue();
        assertThat(shown("replay-start")).isFalse();
        int versions = ledger.getQuery("/api/reports/" + PERIOD).json().size();
        browser.findElement(By.id("reports-publish")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        String version = Integer.toString(versions + 1);
        wait.until(d -> !d.findElements(By.cssSelector("#reports-table tr[data-version='" + version + "']")).isEmpty());
        WebElement row = browser.findElement(By.cssSelector("#reports-table tr[data-version='" + version + "']"));
        assertThat(row.getText()).contains("publisher").contains(safeSha256(textOf(FIXTURE + "/expected.csv")));
        assertThat(row.findElements(By.tagName("button"))).as("a publisher is not offered verifications").isEmpty();

        open(Role.AUDITOR);
        ready("reports");
        WebElement verify = browser.findElement(By.cssSelector("#reports-table tr[data-version='" + version + "'] td.verification button"));
        verify.click();
        WebElement cell = browser.findElement(By.cssSelector("#reports-table tr[data-version='" + version + "'] td.verification"));
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> cell.getDomAttribute("data-matches") != null);
        assertThat(cell.getDomAttribute("data-matches")).isEqualTo("true");
        assertThat(cell.getDomAttribute("data-chain-valid")).isEqualTo("true");
        assertThat(cell.getText()).isEqualTo("Matches the log; chain valid");
    }

    /** The ids of a table's rows (data-demand), as rendered. */
    @SuppressWarnings("unchecked")
    private static List<String> demandRows(String table) {
        // read in one script: the page may replace the rows between two WebDriver calls
        return (List<String>) script("return [...document.querySelectorAll('#' + arguments[0] + ' tbody tr')].map(tr => tr.dataset.demand);", table);
    }

    private static List<String> demandIds(String path) {
        List<String> ids = new ArrayList<>();
        ledger.getQuery(path).json().get("demands").forEach(d -> ids.add(d.get("demandId").asText()));
        return ids;
    }

    @Test
    void legalOpensOnTheQueueOverdueMarkedFiltersItByOwnerAndSeesTheNoticesDue() throws IOException {
        open(Role.LEGAL);
        ready("queue");
        assertThat(shown("queue")).isTrue();
        double queueTop = ((Number) script("return document.getElementById('queue').getBoundingClientRect().top;")).doubleValue();
        double periodTop = ((Number) script("return document.getElementById('period-form').getBoundingClientRect().top;")).doubleValue();
        assertThat(queueTop).as("the queue first").isLessThan(periodTop);
        List<String> rows = demandRows("queue-table");
        assertThat(rows).isEqualTo(demandIds("/api/queue?limit=50")).startsWith("t-1", "t-2").doesNotContain("t-4", "t-5");
        WebElement first = browser.findElement(By.cssSelector("#queue-table tr[data-demand='t-1']"));
        assertThat(first.getDomAttribute("data-overdue")).isEqualTo("true");
        assertThat(first.getDomAttribute("class")).contains("overdue");
        assertThat(first.findElement(By.cssSelector(".overdue-mark")).getText()).isEqualToIgnoringCase("Overdue");
        WebElement second = browser.findElement(By.cssSelector("#queue-table tr[data-demand='t-2']"));
        assertThat(second.getDomAttribute("data-overdue")).isEqualTo("false");
        assertThat(second.findElements(By.cssSelector(".overdue-mark"))).isEmpty();
        assertThat(second.getText()).contains("bob", "2099-01-01");
        // then the fixture's pending demands, without a due date or owner, by demandId (t-3 among them, beyond this page)
        assertThat(browser.findElements(By.cssSelector("#queue-table tbody tr")).get(2).getText()).contains("no due date", "unassigned");
        assertThat(shown("queue-more")).isTrue();
        assertThat(browser.findElement(By.id("queue-note")).getText()).contains("overdue", "log position");
        screenshot("queue-1400x1000");

        // an owner's name narrows the queue to theirs; then the unassigned; then the overdue
        first.findElement(By.cssSelector("button.owner")).click();
        wait.until(d -> demandRows("queue-table").equals(List.of("t-1")));
        assertThat(browser.findElement(By.id("queue-assignee")).getDomProperty("value")).isEqualTo("alice");
        browser.findElement(By.id("queue-assignee")).clear();
        browser.findElement(By.id("queue-assignee")).sendKeys("bob");
        browser.findElement(By.cssSelector("#queue-form button[type=submit]")).click();
        wait.until(d -> demandRows("queue-table").equals(List.of("t-2")));
        browser.findElement(By.id("queue-unassigned")).click();
        List<String> unassigned = demandIds("/api/queue?assignee=&limit=50");
        assertThat(unassigned).isNotEmpty().doesNotContain("t-1", "t-2");
        wait.until(d -> demandRows("queue-table").equals(unassigned));
        assertThat(browser.findElements(By.cssSelector("#queue-table td.owner-cell"))).allMatch(c -> c.getText().equals("unassigned"));
        browser.findElement(By.id("queue-unassigned")).click();
        browser.findElement(By.id("queue-assignee")).clear();
        browser.findElement(By.id("queue-overdue")).click();
        List<String> overdue = demandIds("/api/queue?overdue=true&limit=50");
        assertThat(overdue).contains("t-1").doesNotContain("t-2");
        wait.until(d -> demandRows("queue-table").equals(overdue));
        assertThat(browser.findElements(By.cssSelector("#queue-table tbody tr:not(.overdue)"))).isEmpty();

        // the notices due: the fixture's disclosed demands first (since 2014), a page at a time; never t-5 (its order runs to 2099)
        ready("notices");
        assertThat(shown("notices")).isTrue();
        JsonNode notices = ledger.getQuery("/api/notices-due?limit=50").json();
        assertThat(demandRows("notices-table")).isEqualTo(demandIds("/api/notices-due?limit=50")).doesNotContain("t-5");
        assertThat(browser.findElements(By.cssSelector("#notices-table tbody tr")).get(0).getText())
                .contains(notices.get("demands").get(0).get("noticePossibleSince").asText().substring(0, 10), "no order", "unassigned");
        browser.findElement(By.id("notices-more")).click();
        List<String> twoPages = new ArrayList<>(demandIds("/api/notices-due?limit=50"));
        twoPages.addAll(demandIds("/api/notices-due?limit=50&after=" + notices.get("next").asText()));
        wait.until(d -> demandRows("notices-table").equals(twoPages));

        // a demand of the queue opens with what is tracked of it
        browser.findElement(By.cssSelector("#queue-table tr[data-demand='t-1'] th button")).click();
        wait.until(d -> "t-1".equals(d.findElement(By.id("demand")).getDomAttribute("data-demand")) && d.findElement(By.id("demand")).isDisplayed());
        assertThat(browser.findElement(By.id("demand-meta")).getText()).contains("Due", "2025-08-01", "alice", "not yet");
        assertThat(browser.findElement(By.id("demand-history")).getText()).contains("Assigned", "owner: alice", "legal");
    }

    @Test
    void theHandlingTableIsShownBesideTheOthersForEachPeriod() throws Exception {
        open(Role.AUDITOR);
        ready("handling");
        String csv = ledger.getQuery("/api/statistics/" + PERIOD + "/handling.csv").body();
        assertThat(rendered("handling-table")).isEqualTo(asShown(csv));
        assertThat(browser.findElement(By.id("handling-digest")).getText()).isEqualTo(sha256(csv));
        List<String> columns = browser.findElements(By.cssSelector("#handling-table thead th")).stream().map(WebElement::getText).toList();
        assertThat(columns).hasSize(11).contains("On time", "Late", "Median hours to a response", "Users notified", "On time %");
        assertThat(shown("handling-csv")).isTrue();

        // another period from the picker: the tracked demands of 2025-H2
        WebElement period = browser.findElement(By.id("period"));
        period.clear();
        period.sendKeys("2025-H2");
        browser.findElement(By.cssSelector("#period-form button[type=submit]")).click();
        String later = ledger.getQuery("/api/statistics/2025-H2/handling.csv").body();
        wait.until(d -> d.findElement(By.id("handling-digest")).getText().equals(safeSha256(later)));
        ready("handling");
        assertThat(rendered("handling-table")).isEqualTo(asShown(later));
        assertThat(browser.findElement(By.cssSelector("#handling-table tr[data-row='US'] td[data-column='withDeadline']")).getText()).isEqualTo("2");
        assertThat(browser.findElement(By.id("handling-caption")).getDomProperty("textContent")).contains("2025-H2");
    }

    @Test
    void eachRoleIsOfferedOnlyWhatItMay() {
        open(Role.VIEWER);
        ready("figures");
        ready("replay");
        assertThat(browser.findElements(By.cssSelector("#figures-table tbody tr"))).hasSize(8);
        assertThat(shown("chart")).isTrue();
        assertThat(shown("replay")).isTrue();
        assertThat(shown("replay-start")).as("a viewer is not offered a replay").isFalse();
        assertThat(shown("demands")).as("nor the demands").isFalse();
        assertThat(shown("queue")).as("nor the queue").isFalse();
        assertThat(shown("handling")).as("the handling table, as the other tables").isTrue();
        assertThat(shown("reports-publish")).as("nor publishing").isFalse();
        assertThat(browser.findElements(By.cssSelector("#reports-table td.verification"))).as("nor verifications").isEmpty();

        open(Role.RECORDER);
        wait.until(d -> d.findElement(By.id("dashboard")).isDisplayed());
        ready("reports");
        assertThat(shown("figures")).isFalse();
        assertThat(shown("chart")).isFalse();
        assertThat(shown("replay")).isFalse();
        assertThat(shown("demands")).isTrue();
        assertThat(shown("demand-open-form")).isTrue();
        assertThat(shown("demand-search-form")).as("a recorder opens a demand by its id, but lists none").isFalse();
        ready("queue");
        assertThat(shown("queue")).as("a recorder works from the queue").isTrue();
        assertThat(shown("notices")).as("but is not shown the notices due").isFalse();
        assertThat(shown("handling")).isFalse();

        // a token the ledger does not know: asked for again, and nothing of it kept
        open("ldg_not-a-token");
        wait.until(d -> d.findElement(By.id("login")).isDisplayed());
        assertThat(browser.findElement(By.id("login-message")).getText()).contains("refused");
        assertThat(shown("dashboard")).isFalse();
        assertThat(script("return sessionStorage.getItem('ledger.dashboard.token');")).isNull();
        assertThat(browser.getCurrentUrl()).doesNotContain("not-a-token");
        browser.findElement(By.id("token")).sendKeys(TestTokens.of(Role.VIEWER));
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(d -> d.findElement(By.id("dashboard")).isDisplayed());
        assertThat(browser.findElement(By.id("who")).getText()).contains("viewer");
        browser.findElement(By.id("forget")).click();
        assertThat(shown("login")).isTrue();
        assertThat(script("return sessionStorage.getItem('ledger.dashboard.token');")).isNull();
    }

    @Test
    void thePageFitsAPhonesWidth() throws Exception {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 390, "height", 844, "deviceScaleFactor", 2, "mobile", true));
        try {
            open(Role.AUDITOR);
            ready("figures");
            ready("chart");
            ready("legal-process");
            ready("replay");
            assertThat(((Number) script("return window.innerWidth;")).intValue()).isEqualTo(390);
            assertThat(browser.findElements(By.cssSelector("#outcomes-chart g.bar-group"))).hasSize(8);
            Number chartWidth = (Number) script("return document.getElementById('outcomes-chart').getBoundingClientRect().right;");
            assertThat(chartWidth.doubleValue()).isLessThanOrEqualTo(390);
            fitsItsWidth("390x844");
            screenshot("dashboard-390x844");
            browser.findElement(By.id("demand-id")).sendKeys("2014-H1-US-000027");
            browser.findElement(By.cssSelector("#demand-open-form button")).click();
            wait.until(d -> "2014-H1-US-000027".equals(d.findElement(By.id("demand")).getDomAttribute("data-demand")));
            fitsItsWidth("390x844 with a demand's history");
            fullPage("dashboard-390x844-full");
        } finally {
            desktop();
        }
    }
}

package io.coxswain.controllers.cronjob;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronScheduleTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    @Test
    void everyFiveMinutes() {
        CronSchedule s = CronSchedule.parse("*/5 * * * *", UTC);
        assertThat(s.next(Instant.parse("2025-03-01T10:02:30Z"))).contains(Instant.parse("2025-03-01T10:05:00Z"));
        assertThat(s.next(Instant.parse("2025-03-01T10:05:00Z"))).contains(Instant.parse("2025-03-01T10:10:00Z"));
    }

    @Test
    void nicknames() {
        assertThat(CronSchedule.parse("@hourly", UTC).next(Instant.parse("2025-03-01T10:02:00Z"))).contains(Instant.parse("2025-03-01T11:00:00Z"));
        assertThat(CronSchedule.parse("@daily", UTC).next(Instant.parse("2025-03-01T10:02:00Z"))).contains(Instant.parse("2025-03-02T00:00:00Z"));
        assertThat(CronSchedule.parse("@weekly", UTC).next(Instant.parse("2025-03-01T10:02:00Z"))).contains(Instant.parse("2025-03-02T00:00:00Z"));
        assertThat(CronSchedule.parse("@monthly", UTC).next(Instant.parse("2025-03-01T10:02:00Z"))).contains(Instant.parse("2025-04-01T00:00:00Z"));
        assertThat(CronSchedule.parse("@yearly", UTC).next(Instant.parse("2025-03-01T10:02:00Z"))).contains(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void timeZone() {
        // 09:00 in Tokyo (UTC+9) is 00:00 UTC
        CronSchedule s = CronSchedule.parse("0 9 * * *", ZoneId.of("Asia/Tokyo"));
        assertThat(s.next(Instant.parse("2025-03-01T01:00:00Z"))).contains(Instant.parse("2025-03-02T00:00:00Z"));
    }

    @Test
    void badSchedulesDoNotParse() {
        assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", UTC)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CronSchedule.parse("not a schedule", UTC)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mostRecentIsTheLatestDueRunOnly() {
        CronSchedule s = CronSchedule.parse("* * * * *", UTC);
        assertThat(s.mostRecent(Instant.parse("2025-03-01T10:00:00Z"), Instant.parse("2025-03-01T10:00:59Z"))).isNull();
        CronSchedule.Missed one = s.mostRecent(Instant.parse("2025-03-01T10:00:00Z"), Instant.parse("2025-03-01T10:01:30Z"));
        assertThat(one.latest()).isEqualTo(Instant.parse("2025-03-01T10:01:00Z"));
        assertThat(one.count()).isEqualTo(1);
        CronSchedule.Missed many = s.mostRecent(Instant.parse("2025-03-01T10:00:00Z"), Instant.parse("2025-03-01T10:10:30Z"));
        assertThat(many.latest()).isEqualTo(Instant.parse("2025-03-01T10:10:00Z"));
        assertThat(many.count()).isEqualTo(10);
        assertThat(many.tooMany()).isFalse();
    }

    @Test
    void aLongGapIsTooManyMissedButStillOneRun() {
        CronSchedule s = CronSchedule.parse("*/1 * * * *", UTC);
        CronSchedule.Missed m = s.mostRecent(Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2025-03-08T12:34:56Z"));
        assertThat(m.latest()).isEqualTo(Instant.parse("2025-03-08T12:34:00Z"));
        assertThat(m.tooMany()).isTrue();
    }

    @Test
    void irregularSchedulesFindTheTrueLatest() {
        CronSchedule s = CronSchedule.parse("30 6-16/4 * * 1-5", UTC);
        // Friday 2025-03-07 14:30 is the last run before Saturday noon; Monday's 06:30 is next
        CronSchedule.Missed m = s.mostRecent(Instant.parse("2025-03-03T00:00:00Z"), Instant.parse("2025-03-08T12:00:00Z"));
        assertThat(m.latest()).isEqualTo(Instant.parse("2025-03-07T14:30:00Z"));
    }

    @Test
    void jobNamesCountMinutesSinceTheEpoch() {
        assertThat(CronJobController.jobName("hello", Instant.parse("2025-03-01T10:05:00Z"))).isEqualTo("hello-" + (Instant.parse("2025-03-01T10:05:00Z").getEpochSecond() / 60));
        assertThat(CronJobController.jobName("hello", Instant.ofEpochSecond(60 * 28_000_000L))).isEqualTo("hello-28000000");
    }
}

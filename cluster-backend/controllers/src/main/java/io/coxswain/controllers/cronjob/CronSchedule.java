package io.coxswain.controllers.cronjob;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * A CronJob's schedule: standard five-field cron (cron-utils' UNIX definition) or one of the nicknames robfig/cron
 * accepts, read in a time zone, with kube's arithmetic for the most recent missed run.
 */
public final class CronSchedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final Map<String, String> NICKNAMES = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    /** kube warns past this many missed start times and runs only the latest. */
    public static final long TOO_MANY_MISSED = 100;

    private final ExecutionTime execution;
    private final ZoneId zone;

    private CronSchedule(ExecutionTime execution, ZoneId zone) {
        this.execution = execution;
        this.zone = zone;
    }

    /** @throws IllegalArgumentException for a schedule or time zone that does not parse */
    public static CronSchedule parse(String schedule, ZoneId zone) {
        String text = schedule == null ? "" : schedule.trim();
        text = NICKNAMES.getOrDefault(text.toLowerCase(java.util.Locale.ROOT), text);
        return new CronSchedule(ExecutionTime.forCron(PARSER.parse(text)), zone);
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first run strictly after {@code t}, if the schedule ever runs again. */
    public Optional<Instant> next(Instant t) {
        return execution.nextExecution(ZonedDateTime.ofInstant(t, zone)).map(ZonedDateTime::toInstant);
    }

    /** The latest run in (earliest, now] and how many runs that range held (roughly, as kube counts them). */
    public record Missed(Instant latest, long count) {
        public boolean tooMany() {
            return count > TOO_MANY_MISSED;
        }
    }

    /** kube's mostRecentScheduleTime: null when no run fell due after {@code earliest}. */
    public Missed mostRecent(Instant earliest, Instant now) {
        Optional<Instant> t1 = next(earliest);
        if (t1.isEmpty() || t1.get().isAfter(now)) {
            return null;
        }
        Optional<Instant> t2 = next(t1.get());
        if (t2.isEmpty() || t2.get().isAfter(now)) {
            return new Missed(t1.get(), 1);
        }
        long between = Math.max(1, Duration.between(t1.get(), t2.get()).getSeconds());
        long count = Duration.between(t1.get(), now).getSeconds() / between + 1;
        // jump close to now by the first interval, then walk the real schedule (irregular ones too)
        Instant from = t1.get().plusSeconds(Math.max(0, count - 2) * between);
        Instant latest = null;
        for (Optional<Instant> t = next(from); t.isPresent() && !t.get().isAfter(now); t = next(t.get())) {
            latest = t.get();
        }
        if (latest == null) {
            // the jump overshot an irregular schedule: walk from the start
            for (Optional<Instant> t = t1; t.isPresent() && !t.get().isAfter(now); t = next(t.get())) {
                latest = t.get();
            }
        }
        return new Missed(latest, count);
    }
}

package dev.brink.infra.sqlite;

/**
 * Told, on the writer thread, how each group ends; for state that must follow the transaction (e.g. a
 * sequence number handed out by the tasks of a group and taken back if the group does not commit).
 */
public interface GroupListener {
    GroupListener NONE = new GroupListener() {
    };

    /** BEGIN succeeded; the group's tasks are about to run. */
    default void begun() {
    }

    /**
     * Every task of the group has run; COMMIT comes next. For writes the tasks only collected (e.g. rows written
     * together in one multi-row statement). Throwing fails the whole group (it is rolled back).
     */
    default void beforeCommit() {
    }

    /** The group's COMMIT returned (it is durable); called before any of its futures completes. */
    default void committed() {
    }

    /** The group was rolled back as a whole (BEGIN, SAVEPOINT or COMMIT failed). */
    default void rolledBack() {
    }
}

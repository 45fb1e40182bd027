-- MigrationTimeoutsTest: a migration that takes longer than the statement timeout of a request.
SELECT pg_sleep(1.5);

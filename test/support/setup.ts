// Every test process runs with a known, non-production configuration.
process.env.NODE_ENV = "test";
process.env.APP_URL = "http://portal.test";
process.env.APP_SECRET = "test-secret-that-is-long-enough-for-hkdf-0123456789";
process.env.LOG_LEVEL ??= "silent";
delete process.env.SMTP_URL;
delete process.env.DATABASE_URL;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- Sessions that existed before this column belong to their user's current version (they were live).
UPDATE "Session" SET "sessionVersion" = (SELECT u."sessionVersion" FROM "User" u WHERE u."id" = "Session"."userId");

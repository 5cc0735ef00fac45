-- CreateTable
CREATE TABLE "HandoffGrant" (
    "jti" TEXT NOT NULL PRIMARY KEY,
    "sid" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "retainUntil" DATETIME NOT NULL,
    CONSTRAINT "HandoffGrant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SpentToken" (
    "jti" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PartnerSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sid" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "absoluteExpiresAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "userAgent" TEXT,
    CONSTRAINT "PartnerSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "HandoffGrant_sid_key" ON "HandoffGrant"("sid");

-- CreateIndex
CREATE INDEX "HandoffGrant_sessionId_idx" ON "HandoffGrant"("sessionId");

-- CreateIndex
CREATE INDEX "HandoffGrant_userId_idx" ON "HandoffGrant"("userId");

-- CreateIndex
CREATE INDEX "HandoffGrant_retainUntil_idx" ON "HandoffGrant"("retainUntil");

-- CreateIndex
CREATE INDEX "SpentToken_expiresAt_idx" ON "SpentToken"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerSession_tokenHash_key" ON "PartnerSession"("tokenHash");

-- CreateIndex
CREATE INDEX "PartnerSession_sid_idx" ON "PartnerSession"("sid");

-- CreateIndex
CREATE INDEX "PartnerSession_userId_idx" ON "PartnerSession"("userId");

-- CreateTable
CREATE TABLE "DeniedToken" (
    "issuer" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,

    PRIMARY KEY ("issuer", "jti")
);

-- CreateTable
CREATE TABLE "RefreshFamily" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "rotatedAt" DATETIME NOT NULL,
    "sessionVersion" INTEGER NOT NULL,
    "accessSeconds" INTEGER NOT NULL,
    "idleSeconds" INTEGER NOT NULL,
    "graceSeconds" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "lastUsedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "absoluteExpiresAt" DATETIME NOT NULL,
    "userAgent" TEXT,
    CONSTRAINT "RefreshFamily_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "DeniedToken_expiresAt_idx" ON "DeniedToken"("expiresAt");

-- CreateIndex
CREATE INDEX "RefreshFamily_userId_idx" ON "RefreshFamily"("userId");

-- CreateIndex
CREATE INDEX "RefreshFamily_expiresAt_idx" ON "RefreshFamily"("expiresAt");

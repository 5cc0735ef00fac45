-- CreateTable
CREATE TABLE "HandoffGrant" (
    "jti" TEXT NOT NULL,
    "sid" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "retainUntil" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HandoffGrant_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "SpentToken" (
    "jti" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SpentToken_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "PartnerSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sid" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "absoluteExpiresAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "userAgent" TEXT,

    CONSTRAINT "PartnerSession_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "HandoffGrant" ADD CONSTRAINT "HandoffGrant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartnerSession" ADD CONSTRAINT "PartnerSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "leaseId" TEXT;

-- CreateTable
CREATE TABLE "CompareLease" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "runSlot" TEXT,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CompareLease_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CompareRun" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "settings" TEXT NOT NULL,
    "result" TEXT,
    "mismatches" INTEGER NOT NULL DEFAULT 0,
    "problems" INTEGER NOT NULL DEFAULT 0,
    "wallMs" INTEGER,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "CompareRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CompareLease_runSlot_key" ON "CompareLease"("runSlot");

-- CreateIndex
CREATE INDEX "CompareLease_expiresAt_idx" ON "CompareLease"("expiresAt");

-- CreateIndex
CREATE INDEX "CompareRun_createdAt_idx" ON "CompareRun"("createdAt");

-- CreateIndex
CREATE INDEX "User_leaseId_idx" ON "User"("leaseId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_leaseId_fkey" FOREIGN KEY ("leaseId") REFERENCES "CompareLease"("id") ON DELETE CASCADE ON UPDATE CASCADE;

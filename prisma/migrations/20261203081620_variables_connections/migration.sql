-- CreateTable
CREATE TABLE "variable" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "variable_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "connection" (
    "conn_id" TEXT NOT NULL,
    "conn_type" TEXT NOT NULL,
    "description" TEXT,
    "host" TEXT,
    "port" INTEGER,
    "login" TEXT,
    "schema" TEXT,
    "password_encrypted" TEXT,
    "extra_encrypted" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "connection_pkey" PRIMARY KEY ("conn_id")
);

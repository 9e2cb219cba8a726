import mongoose from 'mongoose';

// Filters built from request values can never smuggle query operators ({ $ne: … }) into a query: every
// operator object is wrapped in $eq unless our own code marks it with mongoose.trusted().
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

/**
 * Connects the app's Mongoose connection. Commands are not buffered while the database is away: requests fail
 * fast (503) instead of hanging, and the driver reconnects by itself when the database returns.
 */
export async function connectDatabase(uri: string, dbName?: string): Promise<typeof mongoose> {
  return mongoose.connect(uri, {
    dbName,
    bufferCommands: false,
    serverSelectionTimeoutMS: 3000,
    autoIndex: true,
  });
}

/** 'ferretdb' or 'mongodb', from the server's own buildInfo. */
export async function detectEngine(): Promise<string> {
  const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  // FerretDB 1.x answers buildInfo with `ferretdbVersion` (and `ferretdbFeatures`).
  return 'ferretdbVersion' in info || 'ferretdb' in info ? 'ferretdb' : 'mongodb';
}

export async function ensureIndexes(): Promise<void> {
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
}

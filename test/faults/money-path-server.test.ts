/** The money path under faults on a PostgreSQL server (when DATABASE_URL is set); see money-path.ts. */
import { describeMoneyPathUnderFaults } from "./money-path.js";

describeMoneyPathUnderFaults("postgres");

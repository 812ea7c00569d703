/** The money path under faults on PostgreSQL (when DATABASE_URL is set); see money-path.ts. */
import { describeMoneyPathUnderFaults } from "./money-path.js";

describeMoneyPathUnderFaults("postgres");

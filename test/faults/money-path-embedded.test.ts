/** The money path under faults on the embedded database (PGlite); see money-path.ts. */
import { describeMoneyPathUnderFaults } from "./money-path.js";

describeMoneyPathUnderFaults("pglite");

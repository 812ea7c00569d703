/** The money path under faults on PGlite; see money-path.ts. */
import { describeMoneyPathUnderFaults } from "./money-path.js";

describeMoneyPathUnderFaults("pglite");

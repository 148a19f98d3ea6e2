import { createMemoryStore } from "../../src/state/memory-store";
import { describeStateStore } from "./state-store-contract";

describeStateStore("createMemoryStore", () => createMemoryStore());

export { createEmulator, type Emulator } from "./create-emulator";
export {
  DEFAULTS,
  type EmulatorOptions,
  type Fault,
  type FaultRule,
  PLANS,
  type PlanName,
} from "./options";

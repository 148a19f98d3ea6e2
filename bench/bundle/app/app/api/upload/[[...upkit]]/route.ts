import { toNextHandlers } from "@upkit/server/next";
import { uploads } from "../uploads";

export const { GET, POST, PATCH, HEAD, DELETE, OPTIONS } = toNextHandlers(uploads);

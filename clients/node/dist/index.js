"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.VERSION = exports.DEFAULT_TIMEOUT_MS = exports.connect = exports.Client = void 0;
// @tollgate/client: the Node.js and TypeScript client for tollgate. connect()
// gives a Client whose services (enrollment, challenge, recovery, policy,
// delivery) answer with promises of typed responses; failures reject with the
// error class for their reason. The generated messages, enums and raw
// @grpc/grpc-js service clients are exported too.
var client_1 = require("./client");
Object.defineProperty(exports, "Client", { enumerable: true, get: function () { return client_1.Client; } });
Object.defineProperty(exports, "connect", { enumerable: true, get: function () { return client_1.connect; } });
Object.defineProperty(exports, "DEFAULT_TIMEOUT_MS", { enumerable: true, get: function () { return client_1.DEFAULT_TIMEOUT_MS; } });
Object.defineProperty(exports, "VERSION", { enumerable: true, get: function () { return client_1.VERSION; } });
__exportStar(require("./errors"), exports);
__exportStar(require("./gen/tollgate/v1/common"), exports);
__exportStar(require("./gen/tollgate/v1/enrollment"), exports);
__exportStar(require("./gen/tollgate/v1/challenge"), exports);
__exportStar(require("./gen/tollgate/v1/recovery"), exports);
__exportStar(require("./gen/tollgate/v1/policy"), exports);
__exportStar(require("./gen/tollgate/v1/delivery"), exports);

// The op records (Conv2dOp, ...) live beside their descriptors in Ops/; every stage of the library reads them.
global using GroupNetDsl.Language.Ops;

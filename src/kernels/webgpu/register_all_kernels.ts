/** Registers every webgpu kernel. */
import {KernelConfig, registerKernel} from '@tensorflow/tfjs-core';

const kernelConfigs: KernelConfig[] = [];

for (const config of kernelConfigs) registerKernel(config);
